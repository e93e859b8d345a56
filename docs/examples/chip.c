/*
 * A reference chip for epsim's co-simulation protocol (docs/cosim-protocol.md): a JSON-lines
 * server on standard input/output that implements the core ops and the neuron-state snapshots
 * EP needs, on a tiny in-memory model of the chip (ideal devices, hard-sigmoid neurons). It is
 * what an FPGA or driver team starts from: replace the model below with calls into the hardware.
 *
 *   cc -std=c99 -O2 -o chip docs/examples/chip.c -lm
 *   ./epsim conformance --destructive --chip exec:"./chip 16-12-4"
 *   ./epsim train --chip exec:"./chip 784-40-10" --net 784-40-10 --train-limit 600 --epochs 2
 *
 * Plain C99 and libc. Requests are parsed by a small JSON scanner that finds a request's fields
 * and reads numbers, arrays and base64 {"f64": ...} / {"f32": ...} arrays (little-endian hosts).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LAYERS 8
#define MAX_STATES 64  /* as the protocol says a chip holds at most; epsim keeps 16 */

/* ---- the chip: layer sizes, weights, neuron states ---- */
static int L;                          /* weight layers; neuron layers are 0..L */
static int size[MAX_LAYERS + 1];
static double *W[MAX_LAYERS + 1];      /* W[l]: size[l] x size[l-1], row-major */
static double *B[MAX_LAYERS + 1];      /* B[l]: size[l] */
static int batch;                      /* examples held; 0 until set_inputs */
static double *x;                      /* batch x size[0] */
static double *u[MAX_LAYERS + 1];      /* u[l]: batch x size[l], l >= 1 */
static double beta;
static double *target;                 /* batch x size[L] */
static double *saved[MAX_STATES];      /* snapshots of every u, one block each */
static int saved_handle[MAX_STATES];   /* their handles: never reused within a session */
static int saved_batch[MAX_STATES];    /* and the batch size they were taken at */
static int last_handle;
static int greeted;
static const double EPS = 0.5;         /* dt / tau of the integrator */

static double rho(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }
static double drho(double v) { return v >= 0 && v <= 1 ? 1 : 0; }

static long neuron_values(void) {
    long n = 0;
    for (int l = 1; l <= L; l++) n += (long) batch * size[l];
    return n;
}

/* One Euler step of tau du/dt = -u + rho'(u) (bottom-up + top-down + bias - nudge); returns max |du|. */
static double step(void) {
    double change = 0;
    for (int l = 1; l <= L; l++) {
        for (int s = 0; s < batch; s++) {
            for (int i = 0; i < size[l]; i++) {
                double drive = B[l][i], *ui = &u[l][(long) s * size[l] + i];
                for (int j = 0; j < size[l - 1]; j++) {
                    double below = l == 1 ? x[(long) s * size[0] + j] : rho(u[l - 1][(long) s * size[l - 1] + j]);
                    drive += W[l][(long) i * size[l - 1] + j] * below;
                }
                if (l < L) {
                    for (int k = 0; k < size[l + 1]; k++) drive += W[l + 1][(long) k * size[l] + i] * rho(u[l + 1][(long) s * size[l + 1] + k]);
                } else if (beta != 0) {
                    drive -= beta * (rho(*ui) - target[(long) s * size[L] + i]);
                }
                double next = *ui + EPS * (-*ui + drho(*ui) * drive);
                next = next < 0 ? 0 : next > 1 ? 1 : next; /* the hard sigmoid's rails clip the state */
                if (fabs(next - *ui) > change) change = fabs(next - *ui);
                *ui = next;
            }
        }
    }
    return change;
}

/* ---- a small JSON scanner: spans of values, fields of an object ---- */
static const char *ws(const char *p) {
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
    return p;
}

/* The end of the value at p, or NULL when it is not one. */
static const char *skip(const char *p, int depth) {
    p = ws(p);
    if (depth > 16) return NULL;
    if (*p == '"') {
        for (p++; *p && *p != '"'; p++) if (*p == '\\' && !*++p) return NULL;
        return *p ? p + 1 : NULL;
    }
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p = ws(p + 1);
        if (*p == close) return p + 1;
        for (;;) {
            if (close == '}') {
                if (*p != '"' || !(p = skip(p, depth + 1))) return NULL;
                p = ws(p);
                if (*p++ != ':') return NULL;
            }
            if (!(p = skip(p, depth + 1))) return NULL;
            p = ws(p);
            if (*p == close) return p + 1;
            if (*p++ != ',') return NULL;
        }
    }
    if (!strncmp(p, "true", 4) || !strncmp(p, "null", 4)) return p + 4;
    if (!strncmp(p, "false", 5)) return p + 5;
    char *end;
    strtod(p, &end);
    return end == p ? NULL : end;
}

/* The value of field key in the object at obj (NULL when absent). */
static const char *field(const char *obj, const char *key) {
    const char *p = ws(obj);
    if (*p != '{') return NULL;
    p = ws(p + 1);
    size_t n = strlen(key);
    while (*p == '"') {
        const char *name = p + 1, *after = skip(p, 0);
        if (!after) return NULL;
        p = ws(after);
        if (*p++ != ':') return NULL;
        p = ws(p);
        if ((size_t) (after - 1 - name) == n && !strncmp(name, key, n)) return p;
        if (!(p = skip(p, 0))) return NULL;
        p = ws(p);
        if (*p == ',') p = ws(p + 1);
    }
    return NULL;
}

static int number(const char *v, double *out) {
    char *end;
    if (!v) return 0;
    *out = strtod(v, &end);
    return end != v && isfinite(*out);
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64value(char c) {
    const char *p = c ? strchr(B64, c) : NULL;
    return p ? (int) (p - B64) : -1;
}

/* Reads an array of n numbers: [..], {"f64": BASE64} or {"f32": BASE64}. Returns 1 when it holds exactly n. */
static int array(const char *v, double *out, long n) {
    if (!v) return 0;
    v = ws(v);
    if (*v == '[') {
        long k = 0;
        const char *p = ws(v + 1);
        while (*p != ']') {
            char *end;
            double d = strtod(p, &end);
            if (end == p || k >= n || !isfinite(d)) return 0;
            out[k++] = d;
            p = ws(end);
            if (*p == ',') p = ws(p + 1);
            else if (*p != ']') return 0;
        }
        return k == n;
    }
    int wide = field(v, "f64") != NULL;
    const char *s = field(v, wide ? "f64" : "f32");
    if (!s || *s != '"') return 0;
    int bytes = wide ? 8 : 4;
    unsigned char buf[8];
    long k = 0, got = 0;
    unsigned acc = 0;
    int bits = 0;
    for (s++; *s && *s != '"'; s++) {
        if (*s == '=') continue;
        int d = b64value(*s);
        if (d < 0) return 0;
        acc = (acc << 6) | (unsigned) d;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[got++ % bytes] = (unsigned char) (acc >> bits);
            acc &= (1u << bits) - 1;
            if (got % bytes == 0) {
                if (k >= n) return 0;
                if (wide) { double d64; memcpy(&d64, buf, 8); out[k++] = d64; }
                else { float f32; memcpy(&f32, buf, 4); out[k++] = f32; }
            }
        }
    }
    return k == n && got % bytes == 0;
}

/* ---- replies ---- */
static char *idtext;   /* the request's id, echoed verbatim */

static void begin(int ok) {
    printf("{\"id\":%s,\"ok\":%s", idtext ? idtext : "null", ok ? "true" : "false");
}

static void fail(const char *op, const char *why) {
    begin(0);
    printf(",\"error\":\"%s: %s\"}\n", op, why);
}

static void write_array(const double *v, long n, const char *encoding) {
    if (!strcmp(encoding, "json")) {
        putchar('[');
        for (long i = 0; i < n; i++) printf(i ? ",%.17g" : "%.17g", v[i]);
        putchar(']');
        return;
    }
    int wide = !strcmp(encoding, "f64"), bytes = wide ? 8 : 4;
    printf("{\"%s\":\"", wide ? "f64" : "f32");
    unsigned acc = 0;
    int bits = 0;
    for (long i = 0; i < n; i++) {
        unsigned char b[8];
        if (wide) memcpy(b, &v[i], 8);
        else { float f = (float) v[i]; memcpy(b, &f, 4); }
        for (int j = 0; j < bytes; j++) {
            acc = (acc << 8) | b[j];
            bits += 8;
            while (bits >= 6) { bits -= 6; putchar(B64[(acc >> bits) & 63]); }
            acc &= (1u << bits) - 1;
        }
    }
    if (bits) putchar(B64[(acc << (6 - bits)) & 63]);
    for (long pad = (3 - ((long) n * bytes) % 3) % 3; pad > 0; pad--) putchar('=');
    printf("\"}");
}

/* The request's "encoding": json (default), f32 or f64; NULL when it is something else. */
static const char *encoding(const char *req) {
    const char *e = field(req, "encoding");
    if (!e) return "json";
    if (!strncmp(e, "\"json\"", 6)) return "json";
    if (!strncmp(e, "\"f64\"", 5)) return "f64";
    if (!strncmp(e, "\"f32\"", 5)) return "f32";
    return NULL;
}

static int integer(const char *req, const char *key, int lo, int hi, int *out) {
    double d;
    if (!number(field(req, key), &d) || d != floor(d) || d < lo || d > hi) return 0;
    *out = (int) d;
    return 1;
}

/* ---- the ops ---- */
static void hello(const char *req) {
    int protocol;
    if (!integer(req, "protocol", 1, 1, &protocol)) { fail("hello", "this chip speaks protocol 1"); return; }
    greeted = 1;
    begin(1);
    printf(",\"protocol\":1,\"server\":\"chip.c reference\",\"transfer\":\"hardSigmoid\",\"topology\":[");
    for (int l = 0; l <= L; l++) printf(l ? ",%d" : "%d", size[l]);
    printf("],\"ops\":[\"hello\",\"set_inputs\",\"set_nudge\",\"reset\",\"relax\",\"read\",\"program\",\"read_weights\","
           "\"save_state\",\"restore_state\",\"drop_state\",\"close\"]}\n");
}

static void set_inputs(const char *req) {
    int b;
    if (!integer(req, "batch", 1, 4096, &b)) { fail("set_inputs", "batch: expected an integer in 1..4096"); return; }
    double *nx = malloc(sizeof(double) * (size_t) b * size[0]);
    if (!nx || !array(field(req, "inputs"), nx, (long) b * size[0])) { free(nx); fail("set_inputs", "inputs: expected batch x size(0) numbers"); return; }
    for (long i = 0; i < (long) b * size[0]; i++) nx[i] = nx[i] < 0 ? 0 : nx[i] > 1 ? 1 : nx[i]; /* the DAC's range */
    free(x);
    x = nx;
    if (b != batch) {
        batch = b;
        for (int l = 1; l <= L; l++) { free(u[l]); u[l] = calloc((size_t) batch * size[l], sizeof(double)); }
        free(target);
        target = calloc((size_t) batch * size[L], sizeof(double));
        beta = 0;
    }
    begin(1);
    printf("}\n");
}

static void set_nudge(const char *req) {
    double b;
    if (!batch) { fail("set_nudge", "set_inputs first"); return; }
    if (!number(field(req, "beta"), &b)) { fail("set_nudge", "beta: expected a number"); return; }
    if (b != 0 && !array(field(req, "target"), target, (long) batch * size[L])) { fail("set_nudge", "target: expected batch x size(L) numbers"); return; }
    beta = b;
    begin(1);
    printf("}\n");
}

static void reset(void) {
    if (!batch) { fail("reset", "set_inputs first"); return; }
    for (int l = 1; l <= L; l++) memset(u[l], 0, sizeof(double) * (size_t) batch * size[l]);
    begin(1);
    printf("}\n");
}

static void relax(const char *req) {
    int steps;
    double tolerance = 0, change = 0;
    if (!batch) { fail("relax", "set_inputs first"); return; }
    if (!integer(req, "steps", 0, 10000000, &steps)) { fail("relax", "steps: expected an integer in 0..10000000"); return; }
    if (field(req, "tolerance") && !number(field(req, "tolerance"), &tolerance)) { fail("relax", "tolerance: expected a number"); return; }
    int done = 0, converged = 0;
    while (done < steps && !converged) {
        change = step();
        done++;
        converged = change < tolerance;
    }
    begin(1);
    if (done) printf(",\"steps\":%d,\"converged\":%s,\"last_change\":%.17g}\n", done, converged ? "true" : "false", change);
    else printf(",\"steps\":0,\"converged\":false,\"last_change\":null}\n");
}

static void read(const char *req) {
    int layer;
    const char *e = encoding(req);
    if (!batch) { fail("read", "set_inputs first"); return; }
    if (!integer(req, "layer", 0, L, &layer)) { fail("read", "layer: expected an integer in 0..L"); return; }
    if (!e) { fail("read", "encoding: expected json, f32 or f64"); return; }
    long n = (long) batch * size[layer];
    double *v = malloc(sizeof(double) * (size_t) n);
    for (long i = 0; i < n; i++) v[i] = layer == 0 ? x[i] : rho(u[layer][i]);
    begin(1);
    printf(",\"values\":");
    write_array(v, n, e);
    printf("}\n");
    free(v);
}

/* The i-th element of a JSON array at v (NULL when there is none). */
static const char *element(const char *v, int i) {
    const char *p = v ? ws(v) : NULL;
    if (!p || *p != '[') return NULL;
    p = ws(p + 1);
    for (int k = 0; *p && *p != ']'; k++) {
        if (k == i) return p;
        if (!(p = skip(p, 0))) return NULL;
        p = ws(p);
        if (*p == ',') p = ws(p + 1);
    }
    return NULL;
}

static void program(const char *req) {
    const char *delta = field(req, "delta");
    double *dw[MAX_LAYERS + 1] = {0}, *db[MAX_LAYERS + 1] = {0};
    int ok = delta != NULL;
    for (int l = 1; ok && l <= L; l++) {
        dw[l] = malloc(sizeof(double) * (size_t) size[l] * size[l - 1]);
        db[l] = malloc(sizeof(double) * (size_t) size[l]);
        ok = array(element(field(delta, "w"), l - 1), dw[l], (long) size[l] * size[l - 1]) && array(element(field(delta, "b"), l - 1), db[l], size[l]);
    }
    if (ok) { /* ideal devices: the change lands exactly (a real chip turns it into pulses here) */
        for (int l = 1; l <= L; l++) {
            for (long i = 0; i < (long) size[l] * size[l - 1]; i++) W[l][i] += dw[l][i];
            for (int i = 0; i < size[l]; i++) B[l][i] += db[l][i];
        }
        begin(1);
        printf("}\n");
    } else {
        fail("program", "delta: expected {\\\"w\\\": [W_1..W_L], \\\"b\\\": [b_1..b_L]} in the topology's shapes");
    }
    for (int l = 1; l <= L; l++) { free(dw[l]); free(db[l]); }
}

static void read_weights(const char *req) {
    const char *e = encoding(req);
    if (!e) { fail("read_weights", "encoding: expected json, f32 or f64"); return; }
    begin(1);
    printf(",\"w\":[");
    for (int l = 1; l <= L; l++) { if (l > 1) putchar(','); write_array(W[l], (long) size[l] * size[l - 1], e); }
    printf("],\"b\":[");
    for (int l = 1; l <= L; l++) { if (l > 1) putchar(','); write_array(B[l], size[l], e); }
    printf("]}\n");
}

static void save_state(void) {
    if (!batch) { fail("save_state", "set_inputs first"); return; }
    for (int k = 0; k < MAX_STATES; k++) {
        if (saved[k]) continue;
        saved[k] = malloc(sizeof(double) * (size_t) neuron_values());
        saved_handle[k] = ++last_handle;
        saved_batch[k] = batch;
        long at = 0;
        for (int l = 1; l <= L; l++) { memcpy(saved[k] + at, u[l], sizeof(double) * (size_t) batch * size[l]); at += (long) batch * size[l]; }
        begin(1);
        printf(",\"state\":%d}\n", saved_handle[k]);
        return;
    }
    fail("save_state", "64 states held: drop one first");
}

static void restore_or_drop(const char *op, const char *req, int restore) {
    int handle, k = 0;
    if (!integer(req, "state", 1, 2147483647, &handle)) handle = 0;
    while (k < MAX_STATES && !(saved[k] && saved_handle[k] == handle)) k++;
    if (k == MAX_STATES) { fail(op, "state: not a state this chip holds"); return; }
    if (restore) {
        if (saved_batch[k] != batch) { fail(op, "state: taken at another batch size"); return; }
        long at = 0;
        for (int l = 1; l <= L; l++) { memcpy(u[l], saved[k] + at, sizeof(double) * (size_t) batch * size[l]); at += (long) batch * size[l]; }
    } else {
        free(saved[k]);
        saved[k] = NULL;
    }
    begin(1);
    printf("}\n");
}

/* ---- the session ---- */
static int serve(char *line) {
    const char *end = skip(line, 0);
    if (!end || *ws(end) || *ws(line) != '{') { idtext = NULL; fail("request", "not one JSON object"); return 1; }
    const char *id = field(line, "id");
    const char *idend = id ? skip(id, 0) : NULL;
    free(idtext);
    idtext = NULL;
    if (idend) {
        idtext = malloc((size_t) (idend - id) + 1);
        memcpy(idtext, id, (size_t) (idend - id));
        idtext[idend - id] = 0;
    }
    const char *o = field(line, "op");
    char op[32] = "";
    if (o && *o == '"') sscanf(o + 1, "%31[a-z_]", op);
    if (!*op) { fail("request", "op: expected a string"); return 1; }
    if (!greeted && strcmp(op, "hello")) { fail(op, "say hello first"); return 1; }
    if (!strcmp(op, "hello")) hello(line);
    else if (!strcmp(op, "set_inputs")) set_inputs(line);
    else if (!strcmp(op, "set_nudge")) set_nudge(line);
    else if (!strcmp(op, "reset")) reset();
    else if (!strcmp(op, "relax")) relax(line);
    else if (!strcmp(op, "read")) read(line);
    else if (!strcmp(op, "program")) program(line);
    else if (!strcmp(op, "read_weights")) read_weights(line);
    else if (!strcmp(op, "save_state")) save_state();
    else if (!strcmp(op, "restore_state")) restore_or_drop(op, line, 1);
    else if (!strcmp(op, "drop_state")) restore_or_drop(op, line, 0);
    else if (!strcmp(op, "close")) { begin(1); printf(",\"closed\":true}\n"); return 0; }
    else fail(op, "unsupported by this chip");
    return 1;
}

int main(int argc, char **argv) {
    const char *net = argc > 1 ? argv[1] : "16-12-4";
    for (const char *p = net; *p; L++) {
        char *end;
        long n = strtol(p, &end, 10);
        if (end == p || n < 1 || n > 100000 || L > MAX_LAYERS) { fprintf(stderr, "chip: expected layer sizes like 16-12-4, got %s\n", net); return 2; }
        size[L] = (int) n;
        p = *end == '-' ? end + 1 : end;
        if (*end && *end != '-') { fprintf(stderr, "chip: expected layer sizes like 16-12-4, got %s\n", net); return 2; }
    }
    if (--L < 1) { fprintf(stderr, "chip: expected at least two layer sizes\n"); return 2; }
    uint32_t seed = 12345; /* weights uniform in +-1/sqrt(fan-in), from a fixed linear congruential stream */
    for (int l = 1; l <= L; l++) {
        W[l] = malloc(sizeof(double) * (size_t) size[l] * size[l - 1]);
        B[l] = calloc((size_t) size[l], sizeof(double));
        for (long i = 0; i < (long) size[l] * size[l - 1]; i++) {
            seed = seed * 1664525u + 1013904223u;
            W[l][i] = (2.0 * (seed >> 8) / 16777216.0 - 1) / sqrt((double) size[l - 1]);
        }
    }
    size_t cap = 1 << 16, len = 0;
    char *line = malloc(cap);
    int c;
    while ((c = getchar()) != EOF) {
        if (c != '\n') {
            if (len + 1 >= cap) line = realloc(line, cap *= 2);
            line[len++] = (char) c;
            continue;
        }
        line[len] = 0;
        len = 0;
        if (!*ws(line)) continue; /* blank lines are ignored */
        int more = serve(line);
        fflush(stdout);
        if (!more) break;
    }
    return 0;
}
