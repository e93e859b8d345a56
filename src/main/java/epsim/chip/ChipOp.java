package epsim.chip;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The operations of the co-simulation protocol (docs/cosim-protocol.md), declared once: the core
 * that every chip implements, and the optional ones a chip may lack (a real chip has no
 * {@code persist}). A host asks {@link HostedChip#supports} before it relies on an optional op,
 * and refuses a rule whose ops the chip lacks before any training.
 */
public enum ChipOp {
    HELLO("hello", true),
    SET_INPUTS("set_inputs", true),
    SET_NUDGE("set_nudge", true),
    RESET("reset", true),
    RELAX("relax", true),
    READ("read", true),
    PROGRAM("program", true),
    READ_WEIGHTS("read_weights", true),
    SET_FEEDBACK_GAIN("set_feedback_gain", false),
    CLAMP("clamp", false),
    SET_GHOST_UNITS("set_ghost_units", false),
    READ_GHOST("read_ghost", false),
    READ_LAYERS("read_layers", false),
    SAVE_STATE("save_state", false),
    RESTORE_STATE("restore_state", false),
    DROP_STATE("drop_state", false),
    PERSIST("persist", false),
    RESTORE("restore", false),
    ADVANCE_TIME("advance_time", false),
    COUNTERS("counters", false),
    RESET_COUNTERS("reset_counters", false),
    UPDATE_OUTER_PRODUCT("update_outer_product", false),
    CLOSE("close", false);

    /** The op's name on the wire. */
    public final String wire;
    /** Whether every chip must implement it. */
    public final boolean core;

    ChipOp(String wire, boolean core) {
        this.wire = wire;
        this.core = core;
    }

    public static ChipOp byWire(String name) {
        for (ChipOp op : values()) if (op.wire.equals(name)) return op;
        return null;
    }

    public static Set<ChipOp> core() {
        EnumSet<ChipOp> s = EnumSet.noneOf(ChipOp.class);
        for (ChipOp op : values()) if (op.core) s.add(op);
        return s;
    }

    /** The wire names of {@code ops}, in declaration order. */
    public static List<String> names(Set<ChipOp> ops) {
        return ops.stream().sorted().map(op -> op.wire).toList();
    }
}
