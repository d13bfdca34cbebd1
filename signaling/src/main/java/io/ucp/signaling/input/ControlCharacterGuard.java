package io.ucp.signaling.input;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;

/**
 * Every string bound from a JSON request body is checked for NUL and control characters ({@link TextRules}): one
 * is refused as a 400 naming the field (Jackson's InvalidFormatException, mapped by the platform's problem mappers),
 * so display names, numbers, DTMF digits, queue names and reasons never carry them into the database or events.
 */
@Singleton
public class ControlCharacterGuard implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(new SimpleModule("ucp-control-characters").addDeserializer(String.class,
                new Checked()));
    }

    static final class Checked extends StringDeserializer {

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String value = super.deserialize(p, ctxt);
            if (value != null && TextRules.hasControlCharacter(value)) {
                return (String) ctxt.handleWeirdStringValue(String.class, value,
                        "must not contain NUL or control characters");
            }
            return value;
        }
    }
}
