package epsim.common;

import java.util.Locale;

/**
 * The name an enum constant has in files and protocol messages, derived from its Java name in
 * lower camel case (LINEAR_STEP is "linearStep", HOST is "host"), so that an enum declares its
 * constants and nothing else, and one lookup serves every such enum.
 */
public final class JsonName {
    private JsonName() {}

    public static String of(Enum<?> constant) {
        String[] words = constant.name().toLowerCase(Locale.ROOT).split("_");
        StringBuilder b = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) b.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        return b.toString();
    }

    /** The constant of {@code type} whose file name is {@code name}, or null. */
    public static <E extends Enum<E>> E lookup(Class<E> type, String name) {
        for (E e : type.getEnumConstants()) if (of(e).equals(name)) return e;
        return null;
    }
}
