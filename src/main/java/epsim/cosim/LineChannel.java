package epsim.cosim;

import epsim.common.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The host's end of a line-delimited connection to a chip: a process started with
 * {@code exec:COMMAND} (its standard input and output) or a server at {@code tcp:HOST:PORT}.
 * Lines are read on a thread of their own, each at most {@code maxLineBytes}; every wait is
 * bounded, and a peer that stops reading or answering is ended when its time is up.
 */
final class LineChannel implements AutoCloseable {
    /** Why a line did not arrive: the message names it; the caller says which request it was. */
    static final class Broken extends RuntimeException {
        final boolean timeout;

        Broken(String message, boolean timeout) {
            super(message, null, false, false);
            this.timeout = timeout;
        }
    }

    private static final MessageReader.Message EOF = new MessageReader.Message("\u0000eof", null);
    private static final MessageReader.Message TOO_LONG = new MessageReader.Message("\u0000too-long", null);
    private static final MessageReader.Message BAD_FRAMES = new MessageReader.Message("\u0000bad-frames", null);
    private static final ScheduledExecutorService TIMEOUTS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chip-timeouts");
        t.setDaemon(true);
        return t;
    });

    private final String spec;
    private final OutputStream out;
    private final Process process;
    private final Socket socket;
    private final int maxLineBytes;
    private final BlockingQueue<MessageReader.Message> lines = new LinkedBlockingQueue<>();
    private volatile boolean ended;

    private LineChannel(String spec, InputStream in, OutputStream out, Process process, Socket socket, int maxLineBytes) {
        this.spec = spec;
        this.out = out;
        this.process = process;
        this.socket = socket;
        this.maxLineBytes = maxLineBytes;
        Thread reader = new Thread(() -> readLines(in), "chip-reply-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Connects to the chip {@code spec} names; a bad spec or a refused connection is a one-line error. */
    static LineChannel open(String spec, double timeoutSeconds, int maxLineBytes) {
        try {
            if (spec.startsWith("exec:")) {
                String command = spec.substring(5).trim();
                if (command.isEmpty()) throw new UserError("--chip " + spec + ": expected exec:COMMAND");
                Process p = new ProcessBuilder("sh", "-c", command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                return new LineChannel(spec, p.getInputStream(), p.getOutputStream(), p, null, maxLineBytes);
            }
            if (spec.startsWith("tcp:")) {
                String address = spec.substring(4);
                int colon = address.lastIndexOf(':');
                if (colon < 1) throw new UserError("--chip " + spec + ": expected tcp:HOST:PORT");
                int port;
                try {
                    port = Integer.parseInt(address.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new UserError("--chip " + spec + ": the port is not a number");
                }
                if (port < 1 || port > 65535) throw new UserError("--chip " + spec + ": port must be 1..65535");
                Socket s = new Socket();
                try {
                    s.connect(new InetSocketAddress(address.substring(0, colon), port), (int) Math.min(Integer.MAX_VALUE, timeoutSeconds * 1000));
                    return new LineChannel(spec, s.getInputStream(), s.getOutputStream(), null, s, maxLineBytes);
                } catch (IOException | RuntimeException e) {
                    s.close();
                    throw e;
                }
            }
        } catch (IOException e) {
            throw new UserError("--chip " + spec + ": cannot connect (" + e.getMessage() + ")");
        }
        throw new UserError("--chip " + spec + ": expected exec:COMMAND or tcp:HOST:PORT");
    }

    /** Whether the channel was ended (a timeout, or {@link #close}). */
    boolean ended() {
        return ended;
    }

    /**
     * Writes {@code line} (a newline is added) and waits for the next line, both within
     * {@code seconds}: a peer whose input is full (so that the write blocks) or that never
     * answers is ended when the time is up.
     */
    String exchange(String line, double seconds) {
        return exchange((line + "\n").getBytes(StandardCharsets.UTF_8), seconds).line();
    }

    /** {@link #exchange(String, double)} of a whole message (its line, newline and any binary block), answered by a message. */
    MessageReader.Message exchange(byte[] message, double seconds) {
        if (ended) throw new Broken("the chip was ended after a timeout", true);
        long millis = (long) Math.min(Long.MAX_VALUE / 4.0, seconds * 1000);
        ScheduledFuture<?> watchdog = TIMEOUTS.schedule(this::end, millis, TimeUnit.MILLISECONDS);
        MessageReader.Message reply;
        try {
            out.write(message);
            out.flush();
            reply = lines.poll(millis, TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            if (ended) throw new Broken("no reply within " + seconds + " s", true);
            throw new Broken("the chip closed the connection (" + e.getMessage() + ")", false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Broken("interrupted", false);
        } finally {
            watchdog.cancel(false);
        }
        if (reply == null || (ended && reply == EOF)) {
            end();
            throw new Broken("no reply within " + seconds + " s", true);
        }
        troubleOf(reply);
        return reply;
    }

    private void troubleOf(MessageReader.Message m) {
        if (m == TOO_LONG) throw new Broken("a reply is longer than " + maxLineBytes + " bytes", false);
        if (m == BAD_FRAMES) throw new Broken("a reply's \"frames\" header is not a whole number of bytes within " + maxLineBytes, false);
        if (m == EOF) throw new Broken("the chip closed the connection", false);
    }

    /** Writes {@code line} without waiting for a reply (a line that gets none, e.g. a blank one). */
    void send(String line) {
        try {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new Broken("the chip closed the connection (" + e.getMessage() + ")", false);
        }
    }

    /** Waits at most {@code seconds} for the next line; null when none came (the channel stays open). */
    String poll(double seconds) {
        try {
            MessageReader.Message m = lines.poll((long) (seconds * 1000), TimeUnit.MILLISECONDS);
            if (m == null) return null;
            troubleOf(m);
            return m.line();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Broken("interrupted", false);
        }
    }

    /**
     * Reads messages into the queue, each line and binary block at most {@code maxLineBytes}: a
     * peer that floods without a newline, or declares a larger block, gets a size-limit error, not the heap.
     */
    private void readLines(InputStream in) {
        try (InputStream stream = in) {
            MessageReader reader = new MessageReader(stream, maxLineBytes, false);
            MessageReader.Message m;
            while ((m = reader.next()) != null) lines.add(m);
            switch (reader.trouble()) {
                case LINE_TOO_LONG, BLOCK_TOO_LONG -> {
                    lines.add(TOO_LONG);
                    return;
                }
                case BAD_FRAMES -> {
                    lines.add(BAD_FRAMES);
                    return;
                }
                default -> { }
            }
        } catch (IOException ignored) {
            // the peer went away: reported as end of stream
        }
        lines.add(EOF);
    }

    /** Ends the connection and the chip's process with every process it started. */
    private void end() {
        ended = true;
        try {
            out.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
        try {
            if (socket != null) socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
        if (process != null) ends(process);
    }

    @Override
    public void close() {
        end();
    }

    /** Ends a chip process and all its descendants (a shell, the server it started, its children): gently, then by force. */
    private static void ends(Process process) {
        List<ProcessHandle> all = new java.util.ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        try {
            if (process.waitFor(1, TimeUnit.SECONDS) && all.stream().noneMatch(ProcessHandle::isAlive)) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        all.forEach(ProcessHandle::destroy);
        long end = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < end && all.stream().anyMatch(ProcessHandle::isAlive)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        all.forEach(ProcessHandle::destroyForcibly);
    }
}
