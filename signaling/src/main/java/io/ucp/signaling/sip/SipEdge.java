package io.ucp.signaling.sip;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.AddressFactory;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * The SIP edge: a JAIN-SIP stack listening on UDP and TCP. The stack owns parsing, transports and the transaction
 * layer (retransmissions, RFC 3261 timers, so no transaction can hang). Its threads only hand each event to one
 * Vert.x context, where {@link SipRequests} decides; everything the stack sends goes through a single sender
 * thread, so no event-loop thread ever waits on a socket or a stack lock.
 */
@ApplicationScoped
public class SipEdge {

    private final SipConfig config;
    private final Vertx vertx;
    private final Instance<SipRequests> requests;
    private SipStack stack;
    private SipProvider provider;
    private Context context;
    private ExecutorService sender;
    private SipFactory factory;
    private MessageFactory messages;
    private HeaderFactory headers;
    private AddressFactory addresses;

    public SipEdge(SipConfig config, Vertx vertx, Instance<SipRequests> requests) {
        this.config = config;
        this.vertx = vertx;
        this.requests = requests;
    }

    void start(@Observes StartupEvent ignored) throws Exception {
        if (!config.enabled()) {
            return;
        }
        factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        stack = factory.createSipStack(stackProperties());
        // Set on the stack rather than named in its properties: the stack's class loader cannot see ours.
        ((gov.nist.javax.sip.stack.SIPTransactionStack) stack)
                .setMessageParserFactory(s -> new StrictMessageParser(config.maxMessageSize()));
        messages = factory.createMessageFactory();
        headers = factory.createHeaderFactory();
        addresses = factory.createAddressFactory();
        context = vertx.getOrCreateContext();
        // Bounded: if sending ever falls behind, further sends are dropped (SIP retransmits) rather than queued forever.
        sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(10_000), r -> {
            Thread thread = new Thread(r, "ucp-sip-send");
            thread.setDaemon(true);
            return thread;
        });
        ListeningPoint udp = stack.createListeningPoint(config.host(), config.port(), ListeningPoint.UDP);
        ListeningPoint tcp = stack.createListeningPoint(config.host(), config.port(), ListeningPoint.TCP);
        provider = stack.createSipProvider(udp);
        provider.addListeningPoint(tcp);
        provider.setAutomaticDialogSupportEnabled(false);
        provider.addSipListener(new Bridge());
        stack.start();
        Log.infof("SIP edge listening on %s:%d (UDP, TCP), domain %s", config.host(), config.port(), config.domain());
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (stack != null) {
            stack.stop();
            sender.shutdownNow();
        }
    }

    private Properties stackProperties() {
        Properties p = new Properties();
        // The stack logs under its name: gov.nist.* keeps its categories together (see quarkus.log.category).
        p.setProperty("javax.sip.STACK_NAME", "gov.nist.ucp-" + config.port());
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", Integer.toString(config.stackThreads()));
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", Integer.toString(config.maxMessageSize()));
        p.setProperty("gov.nist.javax.sip.MAX_CONNECTIONS", Integer.toString(config.maxTcpConnections()));
        p.setProperty("gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS", Integer.toString(config.maxTransactions()));
        p.setProperty("gov.nist.javax.sip.MAX_CLIENT_TRANSACTIONS", Integer.toString(config.maxTransactions()));
        // A TCP peer that stops mid-message is cut off instead of holding a reader thread.
        p.setProperty("gov.nist.javax.sip.READ_TIMEOUT", "2000");
        p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
        p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "ERROR");
        return p;
    }

    public MessageFactory messages() {
        return messages;
    }

    public HeaderFactory headers() {
        return headers;
    }

    public AddressFactory addresses() {
        return addresses;
    }

    public SipProvider provider() {
        return provider;
    }

    public SipConfig config() {
        return config;
    }

    /** True while the stack runs. */
    public boolean running() {
        return stack != null && provider != null;
    }

    /** Runs a stack call (send, transaction creation) on the sender thread; failures are logged, never thrown. */
    public void send(String what, StackAction action) {
        try {
            sender.execute(() -> {
                try {
                    action.run();
                } catch (Exception e) {
                    Log.debugf("SIP %s failed: %s", what, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            Log.warnf("SIP sender saturated, dropped %s", what);
        }
    }

    /** Something to do with the stack that may throw (JAIN-SIP's checked exceptions). */
    @FunctionalInterface
    public interface StackAction {
        void run() throws Exception;
    }

    /** Responds to a request on its server transaction, on the sender thread. */
    public void respond(ServerTransaction transaction, Response response) {
        send("response " + response.getStatusCode(), () -> transaction.sendResponse(response));
    }

    /** The stack's threads end here: each event continues on the Vert.x context. */
    private final class Bridge implements SipListener {

        @Override
        public void processRequest(RequestEvent event) {
            Request request = event.getRequest();
            ServerTransaction transaction = event.getServerTransaction();
            if (transaction == null && !Request.ACK.equals(request.getMethod())) {
                // Created here, on the stack's thread, so a retransmission of this request is absorbed by the
                // transaction (the stack resends our last response) and never reaches the handlers a second time.
                try {
                    transaction = provider.getNewServerTransaction(request);
                } catch (Exception e) {
                    // The stack already knows this transaction (a retransmission racing us): it answers it itself.
                    Log.debugf("SIP request not taken (%s): %s", request.getMethod(), e.toString());
                    return;
                }
            }
            ServerTransaction taken = transaction;
            context.runOnContext(v -> requests.get().onRequest(request, taken));
        }

        @Override
        public void processResponse(ResponseEvent event) {
            context.runOnContext(v -> requests.get().onResponse(event));
        }

        @Override
        public void processTimeout(TimeoutEvent event) {
            context.runOnContext(v -> requests.get().onTimeout(event));
        }

        @Override
        public void processIOException(IOExceptionEvent event) {
            Log.debugf("SIP I/O error towards %s:%d/%s", event.getHost(), event.getPort(), event.getTransport());
        }

        @Override
        public void processTransactionTerminated(TransactionTerminatedEvent event) {
        }

        @Override
        public void processDialogTerminated(DialogTerminatedEvent event) {
        }
    }
}
