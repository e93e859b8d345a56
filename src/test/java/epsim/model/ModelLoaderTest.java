package epsim.model;

import epsim.common.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    @Test
    void aBaseMustBeAPresetName() throws Exception {
        for (String base : new String[] {"\"../../etc/passwd\"", "\"no-such-preset\"", "3"}) {
            Path file = dir.resolve("bad.json");
            Files.writeString(file, "{\"base\": " + base + "}");
            UserError e = assertThrows(UserError.class, () -> ModelLoader.load(file.toString(), List.of()));
            assertTrue(e.getMessage().startsWith(file + ": base: expected the name of a preset"), e.getMessage());
        }
    }

    @Test
    void everyPresetResolvesAndEveryFieldIsWritten() {
        for (String name : ModelLoader.presetNames()) {
            var json = ModelLoader.toJson(ModelLoader.load(name, List.of()));
            for (ModelField f : ModelField.values()) {
                assertTrue(json.get(f.section).has(f.name), name + " lacks " + f.key());
            }
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
