package io.ucp.identity.platform.outbox;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;

/**
 * Writes a CloudEvents 1.0 structured-mode JSON envelope. The stored payload is embedded as raw JSON, so the relay
 * never parses it again. {@code sequence} is the outbox id: increasing for every subject, consumers compare it as a
 * number.
 */
final class CloudEventEnvelope {

    static final String CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";
    private static final JsonFactory JSON = new JsonFactory();

    private CloudEventEnvelope() {
    }

    static String write(String source, OutboxRow row) {
        StringWriter out = new StringWriter(256 + row.payload().length());
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("specversion", "1.0");
            json.writeStringField("id", row.eventId().toString());
            json.writeStringField("source", source);
            json.writeStringField("type", row.type());
            if (row.subject() != null) {
                json.writeStringField("subject", row.subject());
            }
            json.writeStringField("time", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(row.createdAt()));
            json.writeStringField("datacontenttype", "application/json");
            json.writeStringField("sequence", Long.toString(row.id()));
            json.writeFieldName("data");
            json.writeRawValue(row.payload());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
