package io.ucp.signaling.sip;

import gov.nist.javax.sip.message.SIPRequest;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.routing.AccountCopies;
import jakarta.enterprise.context.ApplicationScoped;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import javax.sip.ServerTransaction;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * REGISTER: digest-authenticated ({@link DigestAuthenticator}) against identity's SIP device credentials
 * ({@link SipDirectory}, fed by {@link SipCredentialListener}); a device registers its own address only, and not
 * while its account is suspended. Expiry is bounded, several contacts per device, un-REGISTER and {@code *} honoured.
 */
@ApplicationScoped
public class Registrar {

    private final SipEdge edge;
    private final SipRequests requests;
    private final SipDirectory directory;
    private final AccountCopies copies;
    private final SipConfig.Registrar settings;
    private final DigestAuthenticator authenticator;
    private final SipPhones phones;

    public Registrar(SipEdge edge, SipRequests requests, SipDirectory directory, AccountCopies copies, SipConfig config,
            DigestAuthenticator authenticator, SipPhones phones) {
        this.phones = phones;
        this.edge = edge;
        this.requests = requests;
        this.directory = directory;
        this.copies = copies;
        this.settings = config.registrar();
        this.authenticator = authenticator;
    }

    void onRegister(Request request, ServerTransaction transaction) {
        String source = ((SIPRequest) request).getRemoteAddress().getHostAddress();
        authenticator.authenticate(request, transaction).chain(credential -> {
            if (credential == null) {
                return Uni.createFrom().voidItem(); // challenged or refused already
            }
            SipURI to = (SipURI) ((ToHeader) request.getHeader(ToHeader.NAME)).getAddress().getURI();
            if (!credential.username().equals(to.getUser())) {
                return reply(transaction, Response.FORBIDDEN, "A device registers its own address only");
            }
            return copies.facts(credential.accountId(), credential.accountId()).chain(facts -> facts.callerSuspended()
                    ? reply(transaction, Response.FORBIDDEN, "Account suspended")
                    : bind(request, transaction, credential, source));
        }).subscribe().with(ignored -> { }, e -> {
            Log.warnf("REGISTER failed: %s", e.toString());
            requests.respond(transaction, Response.SERVER_INTERNAL_ERROR, null);
        });
    }

    private Uni<Void> bind(Request request, ServerTransaction transaction, SipDirectory.Credential credential,
            String source) {
        ExpiresHeader expiresHeader = request.getExpires();
        Integer requestExpires = expiresHeader == null ? null : expiresHeader.getExpires();
        Map<String, Integer> bindings = new LinkedHashMap<>();
        boolean removeAll = false;
        ListIterator<?> contacts = request.getHeaders(ContactHeader.NAME);
        while (contacts.hasNext()) {
            ContactHeader contact = (ContactHeader) contacts.next();
            if (contact.isWildCard()) {
                if (requestExpires == null || requestExpires != 0 || request.getHeaders(ContactHeader.NAME) == null) {
                    return reply(transaction, Response.BAD_REQUEST, "Contact * needs Expires: 0");
                }
                removeAll = true;
                continue;
            }
            int asked = contact.getExpires() >= 0 ? contact.getExpires()
                    : requestExpires != null ? requestExpires : settings.defaultExpires();
            if (asked > 0 && asked < settings.minExpires()) {
                Response tooBrief = requests.response(Response.INTERVAL_TOO_BRIEF, request, null);
                try {
                    tooBrief.addHeader(edge.headers().createMinExpiresHeader(settings.minExpires()));
                } catch (javax.sip.InvalidArgumentException e) {
                    throw new IllegalStateException(e);
                }
                requests.respond(transaction, tooBrief);
                return Uni.createFrom().voidItem();
            }
            bindings.put(contact.getAddress().getURI().toString(), Math.min(asked, settings.maxExpires()));
        }
        boolean wildcard = removeAll;
        return directory.contacts(credential.deviceId()).chain(existing -> {
            long kept = existing.stream().filter(c -> !bindings.containsKey(c.uri())).count();
            long added = bindings.values().stream().filter(s -> s > 0).count();
            if (!wildcard && kept + added > settings.maxContactsPerDevice()) {
                return reply(transaction, Response.FORBIDDEN, "Too many contacts for this device");
            }
            return directory.register(credential.deviceId(), bindings, wildcard, source)
                    .invoke(live -> requests.respond(transaction, ok(request, live)))
                    .invoke(live -> phones.registered(credential, live))
                    .replaceWithVoid();
        });
    }

    private Response ok(Request request, List<SipDirectory.Contact> live) {
        Response response = requests.response(Response.OK, request, null);
        long now = System.currentTimeMillis();
        try {
            for (SipDirectory.Contact contact : live) {
                ContactHeader header = edge.headers().createContactHeader(
                        edge.addresses().createAddress(edge.addresses().createURI(contact.uri())));
                header.setExpires((int) Math.max(0, (contact.expiresAtMillis() - now) / 1000));
                response.addHeader(header);
            }
        } catch (ParseException | javax.sip.InvalidArgumentException e) {
            throw new IllegalStateException(e);
        }
        return response;
    }

    private Uni<Void> reply(ServerTransaction transaction, int status, String reason) {
        requests.respond(transaction, status, reason);
        return Uni.createFrom().voidItem();
    }
}
