/*
 * mn: MiniEdit's .mn topology files, JSON of this shape:
 *   { "hosts":    [ { "opts": { "hostname": "h1", "ip": "10.0.0.1", "nodeNum": 1, ... } } ],
 *     "switches": [ { "opts": { "hostname": "s1", ... } } ],
 *     "links":    [ { "src": "h1", "dest": "s1", "opts": { "bw": 10, "delay": "5ms" } } ],
 *     "application": {...}, "controllers": [...], "version": "2" }
 * "application", "controllers" and the nodes' other options (x, y, cpu,
 * dpid, controllers...) mean nothing here and are passed over.
 *
 * The JSON is read with a reader of our own, bounded in what it reads
 * (MN_MAX_BYTES), in how deep it nests (MN_MAX_DEPTH) and in what a token
 * may hold; it checks the whole grammar (RFC 8259) and keeps each value's
 * place in a flat array of tokens, children after their parent, which the
 * mapping below walks.  Nothing in it trusts the input.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"
#include "json.h"

#define MN_MAX_BYTES (4 << 20)
#define MN_MAX_DEPTH 32
#define MN_MAX_STRING 256       /* Decoded bytes of a string we look at. */

enum jtype { J_OBJECT, J_ARRAY, J_STRING, J_NUMBER, J_TRUE, J_FALSE, J_NULL };

struct jtok {
    enum jtype type;
    size_t start, end;          /* The value's bytes in the text ('"' excluded). */
    int next;                   /* Index of the token after this value and its children. */
};

struct jdoc {
    const char *s;
    size_t len, pos;
    struct jtok *tok;
    int ntok;
    int line;                   /* Of 'pos', for messages. */
    const char *error;          /* The first fault, or NULL. */
};

static int parse_value(struct jdoc *, int depth);

static void
skip_ws(struct jdoc *d)
{
    while (d->pos < d->len && strchr(" \t\r\n", d->s[d->pos]) != NULL && d->s[d->pos] != '\0') {
        d->line += d->s[d->pos] == '\n';
        d->pos++;
    }
}

static int
fault(struct jdoc *d, const char *what)
{
    if (d->error == NULL)
        d->error = what;
    return -1;
}

/* A new token of 'type' starting here; its index or -1. */
static int
new_tok(struct jdoc *d, enum jtype type)
{
    void *p;

    /* One token per byte at most: bounded by MN_MAX_BYTES. */
    if ((p = emu_grow(d->tok, d->ntok, sizeof(*d->tok))) == NULL)
        return fault(d, "out of memory");
    d->tok = p;
    d->tok[d->ntok] = (struct jtok){ .type = type, .start = d->pos, .end = d->pos };
    return d->ntok++;
}

static bool
is_hex(char c)
{
    return isxdigit((unsigned char)c) != 0;
}

/* A string at '"': checks its escapes and bytes; the token spans what is between the quotes. */
static int
parse_string(struct jdoc *d)
{
    int t = new_tok(d, J_STRING);

    if (t < 0)
        return -1;
    d->tok[t].start = ++d->pos;
    while (d->pos < d->len && d->s[d->pos] != '"') {
        unsigned char c = (unsigned char)d->s[d->pos];

        if (c < 0x20)
            return fault(d, "control character in a string");
        if (c == '\\') {
            if (++d->pos >= d->len)
                break;
            if (d->s[d->pos] == 'u') {
                for (int k = 1; k <= 4; k++)
                    if (d->pos + (size_t)k >= d->len || !is_hex(d->s[d->pos + (size_t)k]))
                        return fault(d, "bad \\u escape");
                d->pos += 4;
            } else if (strchr("\"\\/bfnrt", d->s[d->pos]) == NULL || d->s[d->pos] == '\0') {
                return fault(d, "bad escape in a string");
            }
        }
        d->pos++;
    }
    if (d->pos >= d->len)
        return fault(d, "unterminated string");
    d->tok[t].end = d->pos++;
    d->tok[t].next = d->ntok;
    return t;
}

/*
 * A number at '-' or a digit: the bytes a number may hold, checked
 * against RFC 8259's grammar by json_is_number().
 */
static int
parse_number(struct jdoc *d)
{
    int t = new_tok(d, J_NUMBER);

    if (t < 0)
        return -1;
    while (d->pos < d->len && d->s[d->pos] != '\0' && strchr("+-.0123456789eE", d->s[d->pos]) != NULL)
        d->pos++;
    if (!json_is_number(d->s + d->tok[t].start, d->pos - d->tok[t].start))
        return fault(d, "bad number");
    d->tok[t].end = d->pos;
    d->tok[t].next = d->ntok;
    return t;
}

/* An object or array at '{' or '['; members are key (a string) and value. */
static int
parse_container(struct jdoc *d, int depth)
{
    bool obj = d->s[d->pos] == '{';
    char close = obj ? '}' : ']';
    int t = new_tok(d, obj ? J_OBJECT : J_ARRAY), n = 0;

    if (t < 0)
        return -1;
    if (depth >= MN_MAX_DEPTH)
        return fault(d, "nested too deep");
    d->pos++;
    skip_ws(d);
    while (d->pos < d->len && d->s[d->pos] != close) {
        if (n++ > 0) {
            if (d->s[d->pos] != ',')
                return fault(d, obj ? "expected ',' or '}'" : "expected ',' or ']'");
            d->pos++;
            skip_ws(d);
        }
        if (obj) {
            if (d->pos >= d->len || d->s[d->pos] != '"')
                return fault(d, "expected a key (a string)");
            if (parse_string(d) < 0)
                return -1;
            skip_ws(d);
            if (d->pos >= d->len || d->s[d->pos] != ':')
                return fault(d, "expected ':'");
            d->pos++;
        }
        if (parse_value(d, depth + 1) < 0)
            return -1;
        skip_ws(d);
    }
    if (d->pos >= d->len)
        return fault(d, obj ? "unterminated object" : "unterminated array");
    d->tok[t].end = ++d->pos;
    d->tok[t].next = d->ntok;
    return t;
}

static int
parse_value(struct jdoc *d, int depth)
{
    static const struct { const char *word; enum jtype type; } words[] = {
        { "true", J_TRUE }, { "false", J_FALSE }, { "null", J_NULL },
    };

    skip_ws(d);
    if (d->pos >= d->len)
        return fault(d, "expected a value");
    switch (d->s[d->pos]) {
    case '{':
    case '[':
        return parse_container(d, depth);
    case '"':
        return parse_string(d);
    default:
        break;
    }
    if (d->s[d->pos] == '-' || (d->s[d->pos] >= '0' && d->s[d->pos] <= '9'))
        return parse_number(d);
    for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
        size_t n = strlen(words[k].word);

        if (d->len - d->pos >= n && memcmp(d->s + d->pos, words[k].word, n) == 0) {
            int t = new_tok(d, words[k].type);

            if (t < 0)
                return -1;
            d->pos += n;
            d->tok[t].end = d->pos;
            d->tok[t].next = d->ntok;
            return t;
        }
    }
    return fault(d, "expected a value");
}

/*
 * The decoded text of string token 't' into 'out' (at most 'len' - 1
 * bytes); 0, or -1 when it is longer, holds a NUL or a \u escape
 * beyond ASCII (none of the names or values we read needs one).
 */
static int
jstr(const struct jdoc *d, int t, char *out, size_t len)
{
    const struct jtok *k = &d->tok[t];
    size_t o = 0;

    if (k->type != J_STRING)
        return -1;
    for (size_t i = k->start; i < k->end; i++) {
        char c = d->s[i];

        if (c == '\\') {
            static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";

            c = d->s[++i];
            if (c == 'u') {
                char hex[5];
                unsigned long v;

                memcpy(hex, d->s + i + 1, 4);
                hex[4] = '\0';
                v = strtoul(hex, NULL, 16);
                if (v == 0 || v > 0x7f)
                    return -1;
                c = (char)v;
                i += 4;
            } else {
                c = to[strchr(from, c) - from];
            }
        }
        if (c == '\0' || o + 1 >= len)
            return -1;
        out[o++] = c;
    }
    out[o] = '\0';
    return 0;
}

/* The value of member 'key' of object token 'obj', or -1. */
static int
jget(const struct jdoc *d, int obj, const char *key)
{
    char name[MN_MAX_STRING];

    if (obj < 0 || d->tok[obj].type != J_OBJECT)
        return -1;
    for (int k = obj + 1; k < d->tok[obj].next; k = d->tok[k + 1].next)
        if (jstr(d, k, name, sizeof(name)) == 0 && strcmp(name, key) == 0)
            return k + 1;
    return -1;
}

/*
 * A value we hand on as text: a string's contents, or a number's digits
 * (MiniEdit writes bw and loss as numbers, delay as a string).
 */
static int
jtext(const struct jdoc *d, int t, char *out, size_t len)
{
    const struct jtok *k = &d->tok[t];

    if (k->type == J_STRING)
        return jstr(d, t, out, len);
    if (k->type != J_NUMBER || k->end - k->start >= len)
        return -1;
    memcpy(out, d->s + k->start, k->end - k->start);
    out[k->end - k->start] = '\0';
    return 0;
}

/* What the mapping works with: the document, the topology it fills, where messages go. */
struct ctx {
    struct jdoc *d;
    struct emu_topo *t;
    const char *path;
    char *err;
    size_t errlen;
};

/* "path: where[i]: why" ('i' -1: the list itself). */
static int
bad(struct ctx *c, const char *where, int i, const char *why)
{
    if (i < 0)
        snprintf(c->err, c->errlen, "%s: %s: %s", c->path, where, why);
    else
        snprintf(c->err, c->errlen, "%s: %s[%d]: %s", c->path, where, i, why);
    return -1;
}

/* The nodes listed in array 'key' ("hosts" or "switches"), as 'kind'. */
static int
read_nodes(struct ctx *c, int root, const char *key, enum emu_kind kind)
{
    struct jdoc *d = c->d;
    int arr = jget(d, root, key), i = 0;
    char name[MN_MAX_STRING], text[MN_MAX_STRING], why[200];

    if (arr < 0)
        return 0;
    if (d->tok[arr].type != J_ARRAY)
        return bad(c, key, -1, "not an array");
    for (int k = arr + 1; k < d->tok[arr].next; k = d->tok[k].next, i++) {
        int opts = jget(d, k, "opts"), v, n;

        if (opts < 0 || d->tok[opts].type != J_OBJECT)
            return bad(c, key, i, "no \"opts\" object");
        if ((v = jget(d, opts, "hostname")) < 0 || jstr(d, v, name, sizeof(name)) != 0)
            return bad(c, key, i, "no \"hostname\" string in \"opts\"");
        if ((v = jget(d, opts, "switchType")) >= 0 && jstr(d, v, text, sizeof(text)) == 0 &&
            strcmp(text, "legacyRouter") == 0)
            return bad(c, key, i, "a legacy router: not emulated (hosts and switches only)");
        if ((n = topo_add(c->t, kind, name, why, sizeof(why))) < 0)
            return bad(c, key, i, why);
        if (kind != EMU_HOST)
            continue;
        if ((v = jget(d, opts, "ip")) >= 0) {
            if (jstr(d, v, text, sizeof(text)) != 0 || topo_set_ip(&c->t->node[n], text) != 0)
                return bad(c, key, i, "bad \"ip\" (A.B.C.D or A.B.C.D/LEN)");
        } else if ((v = jget(d, opts, "nodeNum")) >= 0) {
            /* MiniEdit's address for a host without one: ipBase + its number. */
            double num;

            if (jtext(d, v, text, sizeof(text)) != 0 || sscanf(text, "%lf", &num) != 1 ||
                !(num >= 1 && num <= 0xfffffe) || num != floor(num))
                return bad(c, key, i, "bad \"nodeNum\" (1 to 16777214)");
            c->t->node[n].ip = (10u << 24) + (uint32_t)num;
        }
    }
    return 0;
}

/* The links, their "opts" being Mininet's TCLink settings (bw, delay, jitter, loss, max_queue_size). */
static int
read_links(struct ctx *c, int root)
{
    struct jdoc *d = c->d;
    int arr = jget(d, root, "links"), i = 0;
    char a[MN_MAX_STRING], b[MN_MAX_STRING], key[MN_MAX_STRING], val[MN_MAX_STRING];
    char opt[2 * MN_MAX_STRING + 2], why[200];

    if (arr < 0)
        return 0;
    if (d->tok[arr].type != J_ARRAY)
        return bad(c, "links", -1, "not an array");
    for (int k = arr + 1; k < d->tok[arr].next; k = d->tok[k].next, i++) {
        int src = jget(d, k, "src"), dst = jget(d, k, "dest"), opts = jget(d, k, "opts"), li;

        if (src < 0 || dst < 0 || jstr(d, src, a, sizeof(a)) != 0 ||
            jstr(d, dst, b, sizeof(b)) != 0)
            return bad(c, "links", i, "needs \"src\" and \"dest\" strings");
        if ((li = topo_connect(c->t, a, b, why, sizeof(why))) < 0)
            return bad(c, "links", i, why);
        if (opts < 0)
            continue;
        if (d->tok[opts].type != J_OBJECT)
            return bad(c, "links", i, "\"opts\" is not an object");
        for (int m = opts + 1; m < d->tok[opts].next; m = d->tok[m + 1].next) {
            if (jstr(d, m, key, sizeof(key)) != 0)
                return bad(c, "links", i, "an option's name is too long");
            if (jtext(d, m + 1, val, sizeof(val)) != 0) {
                snprintf(why, sizeof(why), "option \"%.40s\": a string or a number", key);
                return bad(c, "links", i, why);
            }
            /* MiniEdit's default; another speedup gives switch ends their own bw. */
            if (strcmp(key, "speedup") == 0 && strcmp(val, "0") == 0)
                continue;
            snprintf(opt, sizeof(opt), "%s=%s", key, val);
            switch (shape_parse(&c->t->link[li].shape, opt, why, sizeof(why))) {
            case 0:
                break;
            case 1:
                snprintf(why, sizeof(why), "option \"%.40s\": not emulated (bw, delay, jitter,"
                    " loss, max_queue_size)", key);
                /* FALLTHROUGH */
            default:
                return bad(c, "links", i, why);
            }
        }
    }
    return 0;
}

/*
 * Reads MiniEdit's JSON from 'f' into 't' ('path' names it in messages).
 * Returns 0, or -1 with "path: where: reason" in 'err'.
 */
int
mn_read(struct emu_topo *t, FILE *f, const char *path, char *err, size_t errlen)
{
    struct jdoc d = { .line = 1 };
    struct ctx c = { .d = &d, .t = t, .path = path, .err = err, .errlen = errlen };
    char *text = malloc(MN_MAX_BYTES + 1);
    int root = -1, e = -1;

    memset(t, 0, sizeof(*t));
    snprintf(t->desc, sizeof(t->desc), "file %s", path);
    if (text == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    d.s = text;
    d.len = fread(text, 1, MN_MAX_BYTES + 1, f);
    if (ferror(f) || d.len > MN_MAX_BYTES) {
        snprintf(err, errlen, "%s: %s", path, ferror(f) ? strerror(EIO) :
            "larger than 4 MiB: not a MiniEdit topology");
        goto out;
    }
    if ((root = parse_value(&d, 0)) >= 0) {
        skip_ws(&d);
        if (d.pos < d.len)
            fault(&d, "more after the JSON value");
    }
    if (d.error != NULL) {
        snprintf(err, errlen, "%s:%d: JSON: %s", path, d.line, d.error);
        goto out;
    }
    if (d.tok[root].type != J_OBJECT) {
        snprintf(err, errlen, "%s: not a MiniEdit topology (a JSON object)", path);
        goto out;
    }
    if (read_nodes(&c, root, "hosts", EMU_HOST) == 0 &&
        read_nodes(&c, root, "switches", EMU_SWITCH) == 0 && read_links(&c, root) == 0)
        e = topo_complete(t, path, err, errlen);
out:
    if (e != 0)
        topo_free(t);
    free(d.tok);
    free(text);
    return e;
}
