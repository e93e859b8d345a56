package epsim.testbench;

/** One measured figure of a testbench, its bound and the verdict. */
public record Row(String testbench, String check, double measured, Bound bound) {
    public enum Verdict { PASS, FAIL, INFO }

    public Verdict verdict() {
        if (bound.isReport()) return Verdict.INFO;
        return bound.accepts(measured) ? Verdict.PASS : Verdict.FAIL;
    }
}
