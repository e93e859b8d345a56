package epsim.rule;

import epsim.chip.ChipOp;

import java.util.Set;

/**
 * What every rule has: its settings, the host's digital work it counts, its name and the chip
 * operations beyond the basic ones its circuit needs. A rule extends this and writes only its
 * phases and its update.
 */
abstract class RuleOnChip implements LearningRule {
    protected final RuleSettings settings;
    protected final HostWork host = new HostWork();
    private final String name;
    private final Set<ChipOp> ops;

    RuleOnChip(String name, RuleSettings settings, ChipOp... ops) {
        this.name = name;
        this.settings = settings;
        this.ops = Set.of(ops);
    }

    @Override
    public final HostWork hostWork() {
        return host;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final RuleSettings settings() {
        return settings;
    }

    @Override
    public final Set<ChipOp> chipOps() {
        return ops;
    }
}
