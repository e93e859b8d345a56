package epsim.model;

import epsim.common.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The field table drives validation and writing; a model may state only what differs from a preset. */
class ModelLoaderTest {
    @TempDir
    Path dir;

    @Test
    void aFileOnABaseIsTheBaseWithItsFieldsChanged() throws Exception {
        Path file = dir.resolve("mine.json");
        Files.writeString(file, "{\"name\": \"mine\", \"base\": \"default\", \"device\": {\"levels\": 64, \"writeNoise\": 0.1},"
                + " \"periphery\": {\"adcBits\": 6}}");
        HardwareModel derived = ModelLoader.load(file.toString(), List.of());
        HardwareModel expected = ModelLoader.load("default", List.of("device.levels=64", "device.writeNoise=0.1", "periphery.adcBits=6"));
        assertEquals(ModelLoader.toJson(expected).without(List.of("name", "description", "source")),
                ModelLoader.toJson(derived).without(List.of("name", "description", "source")));
        assertEquals("mine", derived.name());
        assertEquals("", derived.description()); // the base's texts are not inherited
    }

    /**
     * The write noise in steps moves with the step when levels change, and says so; in
     * microsiemens it holds. 'models show' prints both, and what it prints loads back as the same model.
     */
    @Test
    void theWriteNoiseKeepsTheUnitItWasGivenIn() throws Exception {
        HardwareModel rram = ModelLoader.load("rram", List.of());
        double step = rram.device().step(), absolute = rram.device().writeNoise() * step;
        ModelLoader.Loaded relative = ModelLoader.loadWithWarnings("rram", List.of("device.levels=64"));
        assertEquals(rram.device().writeNoise(), relative.model().device().writeNoise(), 0.0);
        double moved = relative.model().device().writeNoise() * relative.model().device().step();
        assertEquals(1000.0 / 63, moved / absolute, 1e-9, "1001 to 64 levels: the step, and the noise in µS, grow 1000/63 times");
        assertEquals(1, relative.warnings().size());
        assertTrue(relative.warnings().get(0).contains("--set device.levels=64") && relative.warnings().get(0).contains("writeNoiseMicrosiemens"),
                relative.warnings().get(0));

        ModelLoader.Loaded held = ModelLoader.loadWithWarnings("rram", List.of("device.levels=64", "device.writeNoiseMicrosiemens=" + absolute));
        assertEquals(absolute, held.model().device().writeNoise() * held.model().device().step(), 1e-12 * absolute);
        assertEquals(List.of(), held.warnings());
        assertEquals(List.of(), ModelLoader.loadWithWarnings("rram", List.of("periphery.adcBits=6")).warnings(), "no step moved");

        Path shown = dir.resolve("shown.json");
        Files.writeString(shown, ModelLoader.toJson(rram).toString());
        assertEquals(ModelLoader.toJson(rram), ModelLoader.toJson(ModelLoader.load(shown.toString(), List.of())));
        // both forms in one file: the conductance holds when an override moves the step
        HardwareModel shownAt64 = ModelLoader.load(shown.toString(), List.of("device.levels=64"));
        assertEquals(absolute, shownAt64.device().writeNoise() * shownAt64.device().step(), 1e-12 * absolute);

        Files.writeString(shown, ModelLoader.toJson(rram).toString().replace("\"writeNoise\":3.75", "\"writeNoise\":1.0"));
        UserError e = assertThrows(UserError.class, () -> ModelLoader.load(shown.toString(), List.of()));
        assertTrue(e.getMessage().contains("disagrees") && e.getMessage().contains("give one of the two"), e.getMessage());

        Path child = dir.resolve("child.json");
        Files.writeString(child, "{\"base\": \"rram\", \"device\": {\"levels\": 64, \"writeNoiseMicrosiemens\": 0.15}}");
        HardwareModel c = ModelLoader.load(child.toString(), List.of());
        assertEquals(0.15, c.device().writeNoise() * c.device().step(), 1e-12, "a child's form replaces its base's");
    }

    @Test
    void aBaseMustBeAPresetName() throws Exception {
        for (String base : new String[] {"\"../../etc/passwd\"", "\"no-such-preset\"", "3"}) {
            Path file = dir.resolve("bad.json");
            Files.writeString(file, "{\"base\": " + base + "}");
            UserError e = assertThrows(UserError.class, () -> ModelLoader.load(file.toString(), List.of()));
            assertTrue(e.getMessage().startsWith(file + ": base: expected the name of a preset"), e.getMessage());
        }
    }

    /**
     * Every preset resolves to a model whose written form names every field, keeps each value its own
     * file sets (a child's value is not lost to its base's), and reads back as the same model: what
     * `models show` prints is a model file that gives the preset again.
     */
    @Test
    void everyPresetResolvesKeepsItsOwnValuesAndRoundTrips(@TempDir Path tmp) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String name : ModelLoader.presetNames()) {
            var json = ModelLoader.toJson(ModelLoader.load(name, List.of()));
            var own = mapper.readTree(Path.of("hardware-models", name + ".json").toFile());
            int checked = 0;
            for (ModelField f : ModelField.values()) {
                if (f.section.equals(ModelField.ARRAY_SECTION) && !own.has(ModelField.ARRAY_SECTION)) {
                    assertFalse(json.has(f.section), name + ": a chip without tiles or wires writes no array section");
                    continue;
                }
                if (f.valueIn(ModelLoader.load(name, List.of())) == null) {
                    // an optional field that says nothing here (a table without response lookup, wear without an endurance) is left out
                    assertFalse(json.get(f.section).has(f.name), name + " writes " + f.key() + ", which says nothing");
                    continue;
                }
                assertTrue(json.get(f.section).has(f.name), name + " lacks " + f.key());
                var given = own.path(f.section).get(f.name);
                if (given == null) continue;
                var written = json.get(f.section).get(f.name);
                boolean same = given.isNumber() && written.isNumber() ? given.asDouble() == written.asDouble()
                        : given.asText().equals("rails") ? written.isNumber() // the ADC's range resolved to the transfer curve's rail
                        : given.equals(written);
                assertTrue(same, name + ": " + f.key() + " is " + given + " in its file, " + written + " resolved");
                checked++;
            }
            assertTrue(checked > 0 || own.has("base"), name + " sets no field of its own and has no base");
            Path file = tmp.resolve(name + "-written.json");
            Files.writeString(file, mapper.writeValueAsString(json));
            assertEquals(json, ModelLoader.toJson(ModelLoader.load(file.toString(), List.of())), name + ": the written model reads back differently");
        }
    }

    /** Every field refuses a value of the wrong type, naming the flag, the field and what it expects. */
    @Test
    void everyFieldIsValidatedByName() {
        for (ModelField f : ModelField.values()) {
            String bad = f.kind == ModelField.Kind.TEXT ? "nonsense" : f.kind == ModelField.Kind.FREE_TEXT ? "x".repeat(4001) : "[1]";
            String flag = f.key() + "=" + bad;
            UserError e = assertThrows(UserError.class, () -> ModelLoader.load("default", List.of(flag)), f.key());
            assertTrue(e.getMessage().startsWith("--set " + flag + ": expected " + f.expectation), e.getMessage());
        }
    }

    @Test
    void rangesAreTheDeclaredOnes() {
        assertThrows(UserError.class, () -> ModelLoader.load("default", List.of("neuron.tau=0")));
        assertThrows(UserError.class, () -> ModelLoader.load("default", List.of("device.upDown=1")));
        assertThrows(UserError.class, () -> ModelLoader.load("default", List.of("device.stuckAtMin=0.6", "device.stuckAtMax=0.6")));
        assertThrows(UserError.class, () -> ModelLoader.load("default", List.of("periphery.adcBits=25")));
        assertEquals(1.0, ModelLoader.load("default", List.of("device.stuckAtMin=0.5", "device.stuckAtMax=0.5")).device().stuckAtMin()
                + ModelLoader.load("default", List.of("device.stuckAtMin=0.5", "device.stuckAtMax=0.5")).device().stuckAtMax());
    }
}
