package epsim.testbench;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every check a testbench file can name, declared once: its name, the parameters and bounds it
 * accepts, and what it runs. The file parser and the runner both read this list.
 */
enum CheckKind {
    REFERENCES_AGREE("references-agree", Set.of("fdStep", "bpttSteps"), Set.of("relativeError"), Checks::referencesAgree),
    RULE_VS_IMPLICIT("rule-vs-implicit", Set.of(), Set.of("cosine", "relativeError"), Checks::ruleVsImplicit),
    BETA_ORDER("beta-order", Set.of("betas"), Set.of("slope"), Checks::betaOrder),
    GDU("gdu", Set.of("steps"), Set.of("normalizedError"), Checks::gdu),
    ADC_SWEEP("adc-sweep", Set.of("adcBits", "seeds"), Set.of("stepRise", "overallRise"), Checks::adcSweep),
    DEVICE_PHYSICS("device-physics", Set.of("devices", "pulses"), Set.of("relativeError"), DevicePhysics::run),
    DEVICE_FIT("device-fit", Set.of("devices", "cycles", "response"), Set.of("relativeError", "absoluteError", "ksDistance"), DeviceFitCheck::run),
    BP_VS_FD("bp-vs-fd", Set.of("fdStep"), Set.of("relativeError"), RuleChecks::bpVsFiniteDifferences),
    CHL_WEAK_FEEDBACK("chl-weak-feedback", Set.of("gammas"), Set.of("relativeError", "slope"), RuleChecks::chlWeakFeedback),
    GAITPROP_ORTHOGONAL("gaitprop-orthogonal", Set.of("mixes"), Set.of("relativeError", "growth", "regulariserError"),
            RuleChecks::gaitpropOrthogonal),
    LAGRANGIAN_SADDLE("lagrangian-saddle", Set.of("iterations"), Set.of("constraint", "multiplierError", "gradientError"),
            RuleChecks::lagrangianSaddle),
    GHOST_CANCELLATION("ghost-cancellation", Set.of(), Set.of("maxDifference"), RuleChecks::ghostCancellation),
    GHOST_VS_BP("ghost-vs-bp", Set.of("betas"), Set.of("cosine", "slope"), RuleChecks::ghostVsBackprop),
    SPICE_EQUILIBRIUM("spice-equilibrium", Set.of("nets", "transfers"), Set.of("maxDifference"), SpiceChecks::equilibrium),
    SPICE_TRANSIENT("spice-transient", Set.of("dts", "duration"), Set.of("maxDifference", "order"), SpiceChecks::transientMatch),
    SPICE_EP("spice-ep", Set.of(), Set.of("relativeError"), SpiceChecks::epUpdate),
    SPICE_TILE("spice-tile", Set.of("tiles", "ohms", "spiceUpTo"), Set.of("relativeError"), SpiceChecks::tile),
    COST_ACCOUNTING("cost-accounting", Set.of(), Set.of("countError", "energyError", "costError"), CostChecks::costAccounting),
    OUTER_PRODUCT("outer-product-update", Set.of("bitLengths", "trials", "coincidences"), Set.of("meanZ", "varianceZ"),
            UpdateChecks::outerProductStatistics),
    OUTER_PRODUCT_FIDELITY("outer-product-fidelity", Set.of("bitLengths", "learningRate", "repeats"), Set.of("requestedCosine"),
            UpdateChecks::outerProductFidelity),
    TIKI_TAKA_EXPECTATION("tiki-taka-expectation", Set.of("trials", "fastLr", "transferLr", "coincidences"), Set.of("meanZ"),
            TikiTakaChecks::expectation),
    TIKI_TAKA_REGRESSION("tiki-taka-regression", Set.of("steps", "seeds", "learningRate", "noise", "targetScale"), Set.of("ratio"),
            TikiTakaChecks::regression);

    /** The name testbench files use. */
    final String label;
    final Set<String> params;
    final Set<String> bounds;
    private final Function<Testbench, List<Row>> run;

    CheckKind(String label, Set<String> params, Set<String> bounds, Function<Testbench, List<Row>> run) {
        this.label = label;
        this.params = params;
        this.bounds = bounds;
        this.run = run;
    }

    List<Row> run(Testbench tb) {
        return run.apply(tb);
    }

    static CheckKind fromLabel(String label) {
        for (CheckKind k : values()) if (k.label.equals(label)) return k;
        return null;
    }

    static String labels() {
        return Arrays.stream(values()).map(k -> k.label).collect(Collectors.joining(", "));
    }
}
