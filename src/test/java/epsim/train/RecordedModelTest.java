package epsim.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.model.ModelLoader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A run's recorded model block is compared with the model its options give now without the fields
 * its chip does not use, so that runs recorded before a version added or re-defaulted them resume;
 * a field the chip does use still tells them apart.
 */
class RecordedModelTest {
    @Test
    void aHostRunRecordedWithOlderUpdateDefaultsIsTheSameModel() throws Exception {
        JsonNode now = ModelLoader.toJson(ModelLoader.load("default", List.of()));
        ObjectNode before = (ObjectNode) new ObjectMapper().readTree(now.toString());
        // as the previous version wrote it: aihwkit's blManagement, no Tiki-Taka fields, no ghost.programming
        ((ObjectNode) before.get("update")).retain("mode", "bitLength", "management", "blManagement", "pulseType");
        ((ObjectNode) before.get("update")).put("blManagement", true);
        ((ObjectNode) before.get("ghost")).retain("crossbar");
        assertNotEquals(before, now);
        assertEquals(TrainConfig.withoutUnusedFields(before), TrainConfig.withoutUnusedFields(now));
    }

    @Test
    void anArrayUpdateRunRecordedWithAnotherDefaultIsNot() throws Exception {
        JsonNode now = ModelLoader.toJson(ModelLoader.load("default", List.of("update.mode=outerProduct")));
        ObjectNode before = (ObjectNode) new ObjectMapper().readTree(now.toString());
        ((ObjectNode) before.get("update")).put("blManagement", true);
        assertNotEquals(TrainConfig.withoutUnusedFields(before), TrainConfig.withoutUnusedFields(now));
        JsonNode separate = ModelLoader.toJson(ModelLoader.load("default", List.of("ghost.crossbar=separate")));
        ObjectNode otherProgramming = (ObjectNode) new ObjectMapper().readTree(separate.toString());
        ((ObjectNode) otherProgramming.get("ghost")).put("programming", "independent");
        assertNotEquals(TrainConfig.withoutUnusedFields(otherProgramming), TrainConfig.withoutUnusedFields(separate));
    }
}
