package epsim.cli;

import epsim.chip.AnalogChip;
import epsim.common.UserError;
import epsim.cosim.ChipServer;
import epsim.math.Topology;
import epsim.chip.ChipOp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Expose a simulated chip over the co-simulation protocol (docs/cosim-protocol.md): line-delimited "
                + "JSON on standard input/output (--stdio) or on a TCP port bound to loopback (--port).")
final class ServeCommand implements Callable<Integer>, RunOptions.Command {
    @Mixin
    ModelOptions model;

    final RunOptions run = new RunOptions(java.util.EnumSet.of(epsim.train.RunSetting.NET, epsim.train.RunSetting.SEED));

    @Override
    public RunOptions runOptions() {
        return run;
    }

    @Option(names = "--stdio", description = "Serve one session on standard input/output.")
    boolean stdio;

    @Option(names = "--port", paramLabel = "N", description = "Serve sessions, one at a time, on this TCP port (0: any free port, printed on standard error); "
            + "a client that connects while another holds the chip gets a \"busy\" error at once.")
    Integer port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}); a non-loopback address needs --allow-remote.")
    String bind;

    @Option(names = "--allow-remote", description = "Allow --bind to a non-loopback address (the protocol has no authentication).")
    boolean allowRemote;

    @Option(names = "--once", description = "With --port: exit after the first session.")
    boolean once;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "End a session whose client sends nothing for this long (default: ${DEFAULT-VALUE}).")
    double idleTimeout;

    @Option(names = "--request-seconds", paramLabel = "SECONDS", defaultValue = "600",
            description = "Longest work of one request: a relaxation still running then stops with an error reply (default: ${DEFAULT-VALUE}).")
    double requestSeconds;

    @Option(names = "--max-message", paramLabel = "BYTES", defaultValue = "268435456",
            description = "Longest request line accepted; longer ones get an error reply (default: ${DEFAULT-VALUE}).")
    int maxMessage;

    @Option(names = "--ops", paramLabel = "OP[,OP...]", split = ",",
            description = "Implement only these ops (and the core ones; 'core' alone: the core only), answering the others "
                    + "\"unsupported\": a stand-in for a real chip (default: all).")
    List<String> ops;

    @Option(names = "--hello-without-model", description = "Leave the hardware model out of the handshake, as a foreign chip does.")
    boolean helloWithoutModel;

    @Option(names = "--hello-without-ops", description = "Leave the list of ops out of the handshake, as a chip of the first protocol text does.")
    boolean helloWithoutOps;

    @Option(names = "--no-frames", description = "Do not agree to binary frames in the handshake: every array travels as JSON or base64, "
            + "as with a chip that predates them (docs/cosim-protocol.md, \"Binary frames\").")
    boolean noFrames;

    private ChipServer.Persona persona() {
        java.util.EnumSet<ChipOp> set = java.util.EnumSet.allOf(ChipOp.class);
        if (ops != null) {
            set = java.util.EnumSet.copyOf(ChipOp.core());
            for (String name : ops) {
                if (name.trim().equals("core")) continue;
                ChipOp op = ChipOp.byWire(name.trim());
                if (op == null) throw new UserError("--ops " + name + ": unknown op (expected core or one of " + String.join(", ", ChipOp.names(java.util.EnumSet.allOf(ChipOp.class))) + ")");
                set.add(op);
            }
        }
        return new ChipServer.Persona(set, !helloWithoutOps, !helloWithoutModel, !noFrames);
    }

    @Override
    public Integer call() throws Exception {
        ChipServer.Persona persona = persona();
        if (stdio == (port != null)) throw new UserError("serve: give exactly one of --stdio or --port N");
        if (!(idleTimeout > 0) || !Double.isFinite(idleTimeout)) throw new UserError("--idle-timeout " + idleTimeout + ": expected a number of seconds > 0");
        if (maxMessage < 1024) throw new UserError("--max-message " + maxMessage + ": expected at least 1024 bytes");
        if (!(requestSeconds > 0) || !Double.isFinite(requestSeconds)) throw new UserError("--request-seconds " + requestSeconds + ": expected a number of seconds > 0");
        Topology t = run.topology();
        long seed = run.seed();
        AnalogChip chip = epsim.backend.ChipFactory.inProcess(model.load(), t, seed);
        if (stdio) {
            ChipServer server = new ChipServer(chip, Main.version(), maxMessage, requestSeconds, persona);
            watchStdio(server);
            server.serve(System.in, System.out);
            return 0;
        }
        if (port < 0 || port > 65535) throw new UserError("--port " + port + ": expected 0..65535");
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (IOException e) {
            throw new UserError("--bind " + bind + ": not an address");
        }
        if (!address.isLoopbackAddress() && !allowRemote) {
            throw new UserError("--bind " + bind + ": not a loopback address; add --allow-remote to expose the chip (no authentication)");
        }
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(address, port));
            System.err.println("epsim serve: listening on " + address.getHostAddress() + ":" + listener.getLocalPort());
            AtomicReference<Thread> session = new AtomicReference<>();
            while (true) {
                Socket client = listener.accept();
                Thread running = session.get();
                if (running != null && running.isAlive()) {
                    refuseBusy(client);
                    continue;
                }
                Thread t0 = new Thread(() -> serveSession(chip, client), "serve-session");
                session.set(t0);
                t0.start();
                if (once) {
                    t0.join();
                    return 0;
                }
            }
        }
    }

    /** One client holds the chip; another that connects meanwhile is told so at once, and closed. */
    private static void refuseBusy(Socket client) {
        try (client) {
            client.setSoTimeout(1000);
            client.getOutputStream().write(("{\"ok\":false,\"error\":\"busy: another client holds the chip; try again when it has closed\"}\n")
                    .getBytes(StandardCharsets.UTF_8));
            client.getOutputStream().flush();
        } catch (IOException ignored) {
            // the client left already
        }
    }

    private void serveSession(AnalogChip chip, Socket client) {
        ReplyWatch replies = null;
        try (client) {
            client.setSoTimeout((int) Math.min(Integer.MAX_VALUE, idleTimeout * 1000));
            replies = new ReplyWatch(client, (long) Math.min(Long.MAX_VALUE / 2.0, idleTimeout * 1e9));
            new ChipServer(chip, Main.version(), maxMessage, requestSeconds, persona()).serve(client.getInputStream(), replies);
        } catch (SocketTimeoutException e) {
            System.err.println("epsim serve: no request for " + idleTimeout + " s; session closed");
        } catch (IOException e) {
            System.err.println("epsim serve: session ended (" + (replies != null && replies.stalled ? "the client read no reply for " + idleTimeout
                    + " s: a client that does not read is idle" : e.getMessage()) + ")");
        } finally {
            if (replies != null) replies.stop();
        }
    }

    /**
     * The replies to a TCP client, with the idle limit on writing them: a client that stops reading
     * fills the socket's buffers and would block a write forever (holding the chip, every other
     * client answered "busy"); a write still blocked after the idle timeout closes the connection.
     */
    private static final class ReplyWatch extends java.io.FilterOutputStream {
        private final Socket socket;
        private final long limitNanos;
        private volatile long writingSince; // 0: not writing
        private volatile boolean stalled;
        private final Thread watchdog;

        ReplyWatch(Socket socket, long limitNanos) throws IOException {
            super(socket.getOutputStream());
            this.socket = socket;
            this.limitNanos = limitNanos;
            this.watchdog = new Thread(this::watch, "serve-reply-watch");
            watchdog.setDaemon(true);
            watchdog.start();
        }

        private void watch() {
            while (!socket.isClosed()) {
                try {
                    Thread.sleep(Math.max(10, Math.min(1000, limitNanos / 4_000_000)));
                } catch (InterruptedException e) {
                    return;
                }
                long since = writingSince;
                if (since != 0 && System.nanoTime() - since > limitNanos) {
                    stalled = true;
                    try {
                        socket.close(); // the blocked write ends with an exception
                    } catch (IOException ignored) {
                        // closed already
                    }
                    return;
                }
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writingSince = System.nanoTime();
            try {
                out.write(b, off, len);
            } finally {
                writingSince = 0;
            }
        }

        @Override
        public void flush() throws IOException {
            writingSince = System.nanoTime();
            try {
                out.flush();
            } finally {
                writingSince = 0;
            }
        }

        void stop() {
            watchdog.interrupt();
        }
    }

    /** Standard input cannot time out a read, so a watchdog ends a session whose client went silent. */
    private void watchStdio(ChipServer server) {
        long limit = (long) (idleTimeout * 1e9);
        Thread watchdog = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(Math.max(10, Math.min(1000, limit / 4_000_000)));
                } catch (InterruptedException e) {
                    return;
                }
                if (System.nanoTime() - server.lastActivity() > limit) {
                    System.err.println("epsim serve: no request for " + idleTimeout + " s; exiting");
                    System.exit(3);
                }
            }
        }, "serve-idle-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
