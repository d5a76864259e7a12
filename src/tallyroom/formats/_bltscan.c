/* The tokenizer of a BLT file's ballot lines (fastblt.py): one pass over the bytes, in C.

scan(data, start, stop, ncand, first_line, careful, itemsize, parts, last) reads the lines of
data[start:stop] (which ends with a newline) in ``parts`` parts at once, one thread each, the GIL
released. A line it takes is ``weight pref ... 0`` (fastblt.py's docstring says exactly which);
any other line is handed, after the parts are done and in order, to ``careful(line, lineno)``,
which answers None (a blank line) or ``(ranking, numerator, places, cut)``, or raises, up to the
first line that is ``last`` (the line ``0`` that ends the ballots), if one comes before ``stop``.
It returns ``(rankings, width, numerators, places, rows, truncated, lines, end)``: three
bytearrays, the rankings ``rows`` by ``width`` items of ``itemsize`` bytes (candidate indexes, -1
after the ranking), the numerators int64 and the decimal places int8, one per ballot line in
order; ``truncated`` sums the cuts; ``lines`` counts the ballots' lines, blank ones too, and
``end`` is where they end (``stop``, or where the line ``last`` starts). */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#define MAX_WEIGHT ((uint64_t)1 << 53) /* larger weights go the careful way, which reads them exactly */
#define MAX_PLACES 18                  /* decimal places a weight may have here (10**18 < 2**63) */
#define MAX_STAMPED (1 << 20)          /* beyond this many candidates every line goes the careful way */
#define FIRST_WIDTH 32                 /* ranking slots per row at first: longer rankings widen them */
#define MAX_PARTS 64
#define BLANK (-1)                     /* places of a blank line: its row is dropped */

#define SEP(c) ((c) == ' ' || (c) == ',' || (c) == '\t')
#define DIGIT(c) ((unsigned char)((c) - '0') < 10)

typedef struct {
    Py_ssize_t line;          /* its index from the first line */
    const unsigned char *at;  /* its bytes, without the newline */
    Py_ssize_t size;
    int width;                /* a ranking longer than the rows were: its length; else -1 (careful) */
} Deferred;

typedef struct {
    const unsigned char *begin, *end; /* whole lines */
    Py_ssize_t first;                 /* the index of its first line */
    char *grid;                       /* shared: row i at grid + i * cap * itemsize */
    int64_t *nums;
    int8_t *places;
    int itemsize, cap;
    long ncand;
    uint32_t *seen; /* seen[c] == stamp: candidate c is on the line being read */
    uint32_t stamp;
    Deferred *deferred;
    Py_ssize_t ndeferred, room;
    int width; /* the longest ranking written */
    int failed; /* out of memory */
} Part;

static void store(char *row, int itemsize, int k, long value)
{
    if (itemsize == 1)
        ((int8_t *)row)[k] = (int8_t)value;
    else if (itemsize == 2)
        ((int16_t *)row)[k] = (int16_t)value;
    else
        ((int32_t *)row)[k] = (int32_t)value;
}

static long load(const char *row, int itemsize, int k)
{
    return itemsize == 1 ? ((const int8_t *)row)[k] : itemsize == 2 ? ((const int16_t *)row)[k] : ((const int32_t *)row)[k];
}

static void pad(char *row, int itemsize, int from, int to)
{
    memset(row + (size_t)from * itemsize, 0xff, (size_t)(to - from) * itemsize); /* -1 in any width */
}

/* The end of the ballot id at ``q`` (one token of printable ASCII in parentheses, followed by a
   separator), or NULL. */
static const unsigned char *skip_id(const unsigned char *q)
{
    for (q++; *q > ' ' && *q < 0x7f && *q != '(' && *q != ')' && *q != ','; q++)
        ;
    return *q == ')' && SEP(q[1]) ? q + 1 : NULL;
}

/* The ranking's length, its first ``cap`` candidates written to ``row``, the weight's numerator
   and places, and ``*next`` the next line; -1 if the line at ``q`` is not one taken here. The
   line ends with a newline, which no loop reads past. */
static int parse_line(Part *t, const unsigned char *q, char *row, int64_t *num, int8_t *places,
                      const unsigned char **next)
{
    if (++t->stamp == 0) {
        memset(t->seen, 0, sizeof(uint32_t) * (t->ncand + 1));
        t->stamp = 1;
    }
    int id = 0, len = 0;
    while (SEP(*q))
        q++;
    if (*q == '(') { /* an id, the first token */
        if (!(q = skip_id(q)))
            return -1;
        id = 1;
        while (SEP(*q))
            q++;
    }
    /* The weight: digits, perhaps a point and 1 to 18 digits (or a point and digits). */
    uint64_t v = 0;
    int digits = 0, point = 0;
    for (; DIGIT(*q); q++, digits++)
        if (v < MAX_WEIGHT)
            v = v * 10 + (*q - '0');
    if (*q == '.') {
        for (q++; DIGIT(*q); q++, point++)
            if (v < MAX_WEIGHT)
                v = v * 10 + (*q - '0');
        if (point < 1 || point > MAX_PLACES)
            return -1;
    } else if (!digits)
        return -1;
    if (!SEP(*q) || v >= MAX_WEIGHT)
        return -1;
    *num = (int64_t)v;
    *places = (int8_t)point;
    while (SEP(*q))
        q++;
    if (*q == '(' && !id) { /* an id, the second token */
        if (!(q = skip_id(q)))
            return -1;
        while (SEP(*q))
            q++;
    }
    for (;;) { /* the preferences, each followed by a separator, then the 0 that ends the line */
        if (*q == '0' && (q[1] == '\n' || (q[1] == '\r' && q[2] == '\n'))) {
            *next = q + 2 + (q[1] == '\r');
            return len;
        }
        /* One or two digits without a branch on which (q[1] is readable: at worst the newline). */
        unsigned first = q[0] - '0', second = q[1] - '0';
        int two = second < 10;
        const unsigned char *s = q;
        v = two ? first * 10 + second : first;
        q += 1 + two;
        if (first >= 10 || !SEP(*q)) { /* longer, or not a number */
            for (q = s, v = 0; DIGIT(*q); q++)
                if (v <= (uint64_t)t->ncand)
                    v = v * 10 + (*q - '0');
            if (q == s || !SEP(*q))
                return -1; /* not a number, or not ended by 0 */
        }
        if (v == 0 || v > (uint64_t)t->ncand || t->seen[v] == t->stamp)
            return -1; /* 0 inside the line, not a candidate, or a candidate twice */
        t->seen[v] = t->stamp;
        if (len < t->cap)
            store(row, t->itemsize, len, (long)v - 1);
        len++;
        while (SEP(*q))
            q++;
    }
}

static void defer(Part *t, Py_ssize_t line, const unsigned char *at, Py_ssize_t size, int width)
{
    if (t->ndeferred == t->room) {
        Py_ssize_t room = t->room ? 2 * t->room : 64;
        Deferred *more = PyMem_RawRealloc(t->deferred, room * sizeof(Deferred));
        if (!more) {
            t->failed = 1;
            return;
        }
        t->deferred = more;
        t->room = room;
    }
    t->deferred[t->ndeferred++] = (Deferred){line, at, size, width};
}

static void *run_part(void *arg)
{
    Part own = *(Part *)arg, *t = &own; /* a copy: the parts' fields share cache lines */
    Py_ssize_t line = t->first;
    for (const unsigned char *q = t->begin; q < t->end && !t->failed; line++) {
        char *row = t->grid + (size_t)line * t->cap * t->itemsize;
        const unsigned char *next;
        int len = t->seen ? parse_line(t, q, row, &t->nums[line], &t->places[line], &next) : -1;
        if (len >= 0 && len <= t->cap) {
            pad(row, t->itemsize, len, t->cap);
            if (len > t->width)
                t->width = len;
            q = next;
        } else {
            const unsigned char *e = memchr(q, '\n', t->end - q);
            defer(t, line, q, e - q, len);
            q = e + 1;
        }
    }
    *(Part *)arg = own;
    return NULL;
}

/* Rows of ``cap`` slots widened to at least ``need`` (doubling, at most ncand), in place. */
static int widen(PyObject *grid, Part *parts, int nparts, Py_ssize_t lines, int need)
{
    int cap = parts[0].cap, itemsize = parts[0].itemsize;
    long wider = need > 2L * cap ? need : 2L * cap;
    if (wider > parts[0].ncand)
        wider = parts[0].ncand;
    if ((size_t)lines * wider > (size_t)PY_SSIZE_T_MAX / itemsize) {
        PyErr_NoMemory();
        return -1;
    }
    if (PyByteArray_Resize(grid, (Py_ssize_t)(lines * wider * itemsize)) < 0)
        return -1;
    char *g = PyByteArray_AS_STRING(grid);
    for (Py_ssize_t i = lines - 1; i >= 0; i--) {
        memmove(g + (size_t)i * wider * itemsize, g + (size_t)i * cap * itemsize, (size_t)cap * itemsize);
        pad(g + (size_t)i * wider * itemsize, itemsize, cap, (int)wider);
    }
    for (int k = 0; k < nparts; k++) {
        parts[k].grid = g;
        parts[k].cap = (int)wider;
    }
    return 0;
}

/* A line the careful parser reads: its row written, or marked blank; -1 on an exception. */
static int read_carefully(PyObject *careful, PyObject *grid, Part *parts, int nparts, Py_ssize_t lines,
                          Deferred *d, long long lineno, long long *truncated, int *width)
{
    PyObject *got = PyObject_CallFunction(careful, "y#L", (const char *)d->at, d->size, lineno);
    if (!got)
        return -1;
    if (got == Py_None) {
        Py_DECREF(got);
        parts[0].places[d->line] = BLANK;
        return 0;
    }
    PyObject *ranking;
    long long number;
    int places, cut;
    int ok = PyArg_ParseTuple(got, "OLip", &ranking, &number, &places, &cut);
    PyObject *fast = ok ? PySequence_Fast(ranking, "a ranking is a sequence") : NULL;
    Py_DECREF(got);
    if (!fast)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    if (n > parts[0].ncand) {
        Py_DECREF(fast);
        PyErr_SetString(PyExc_ValueError, "careful: a ranking longer than the candidates");
        return -1;
    }
    if (n > parts[0].cap && widen(grid, parts, nparts, lines, (int)n) < 0) {
        Py_DECREF(fast);
        return -1;
    }
    Part *t = &parts[0];
    char *row = t->grid + (size_t)d->line * t->cap * t->itemsize;
    for (Py_ssize_t k = 0; k < n; k++) {
        long c = PyLong_AsLong(PySequence_Fast_GET_ITEM(fast, k));
        if (c < 0 || c >= t->ncand) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "careful: a candidate index out of range");
            Py_DECREF(fast);
            return -1;
        }
        store(row, t->itemsize, (int)k, c);
    }
    Py_DECREF(fast);
    pad(row, t->itemsize, (int)n, t->cap);
    t->nums[d->line] = number;
    t->places[d->line] = (int8_t)places;
    *truncated += cut;
    if (n > *width)
        *width = (int)n;
    return 0;
}

/* The deferred lines of every part, in order, up to the first that is ``last`` (its index put in
   ``*ends``): the long ones read again into widened rows, the others by ``careful``. */
static int finish(PyObject *careful, PyObject *grid, Part *parts, int nparts, Py_ssize_t lines,
                  long long first_line, Py_buffer *last, Py_ssize_t *ends, const unsigned char **end_at,
                  long long *truncated, int *width)
{
    int need = 0;
    for (int k = 0; k < nparts; k++)
        for (Py_ssize_t i = 0; i < parts[k].ndeferred; i++)
            if (parts[k].deferred[i].width > need)
                need = parts[k].deferred[i].width;
    if (need > parts[0].cap && widen(grid, parts, nparts, lines, need) < 0)
        return -1;
    for (int k = 0; k < nparts; k++)
        for (Py_ssize_t i = 0; i < parts[k].ndeferred; i++) {
            Deferred *d = &parts[k].deferred[i];
            Part *t = &parts[0];
            if (d->size == last->len && !memcmp(d->at, last->buf, last->len)) {
                *ends = d->line; /* the line that ends the ballots */
                *end_at = d->at;
                return 0;
            }
            if (d->width >= 0) {
                char *row = t->grid + (size_t)d->line * t->cap * t->itemsize;
                const unsigned char *next;
                parse_line(t, d->at, row, &t->nums[d->line], &t->places[d->line], &next);
                pad(row, t->itemsize, d->width, t->cap);
                if (d->width > *width)
                    *width = d->width;
            } else if (read_carefully(careful, grid, parts, nparts, lines, d, first_line + d->line,
                                      truncated, width) < 0)
                return -1;
        }
    return 0;
}

/* The longest ranking in the first ``lines`` rows. */
static int longest(Part *t, Py_ssize_t lines)
{
    int width = 0;
    for (Py_ssize_t i = 0; i < lines; i++) {
        const char *row = t->grid + (size_t)i * t->cap * t->itemsize;
        int n = t->cap;
        while (n > width && load(row, t->itemsize, n - 1) == -1)
            n--;
        if (t->places[i] != BLANK && n > width)
            width = n;
    }
    return width;
}

/* Blank lines' rows dropped and rows cut to ``width`` slots, in place; the number of rows. */
static Py_ssize_t compact(Part *t, Py_ssize_t lines, int width)
{
    size_t is = t->itemsize;
    Py_ssize_t rows = 0;
    for (Py_ssize_t i = 0; i < lines; i++) {
        if (t->places[i] == BLANK)
            continue;
        if (rows != i || width != t->cap) {
            memmove(t->grid + rows * width * is, t->grid + i * t->cap * is, width * is);
            t->nums[rows] = t->nums[i];
            t->places[rows] = t->places[i];
        }
        rows++;
    }
    return rows;
}

static PyObject *scan(PyObject *self, PyObject *args)
{
    Py_buffer data;
    Py_ssize_t start, stop;
    long ncand;
    long long first_line;
    PyObject *careful;
    int itemsize, nparts;
    Py_buffer last;
    if (!PyArg_ParseTuple(args, "y*nnlLOiiy*", &data, &start, &stop, &ncand, &first_line, &careful,
                          &itemsize, &nparts, &last))
        return NULL;
    const unsigned char *bytes = data.buf;
    if (start < 0 || stop > data.len || stop <= start || bytes[stop - 1] != '\n' || ncand < 1 ||
        (itemsize != 1 && itemsize != 2 && itemsize != 4) || nparts < 1 || nparts > MAX_PARTS) {
        PyBuffer_Release(&data);
        PyBuffer_Release(&last);
        PyErr_SetString(PyExc_ValueError, "scan: bad arguments");
        return NULL;
    }
    Part parts[MAX_PARTS];
    memset(parts, 0, sizeof parts);
    PyObject *grid = NULL, *nums = NULL, *places = NULL, *result = NULL;
    Py_ssize_t lines = 0;
    int cap = ncand < FIRST_WIDTH ? (int)ncand : FIRST_WIDTH, failed = 0;
    /* The parts: about equal, each ending at a newline (some may be empty), and their lines. */
    const unsigned char *at = bytes + start, *end = bytes + stop;
    for (int k = 0; k < nparts; k++) {
        const unsigned char *to = k == nparts - 1 ? end : bytes + start + (stop - start) / nparts * (k + 1);
        if (to < at)
            to = at;
        if (to < end) {
            const unsigned char *nl = memchr(to > at ? to - 1 : at, '\n', end - (to > at ? to - 1 : at));
            to = nl + 1;
        }
        parts[k].begin = at;
        parts[k].end = to;
        parts[k].first = lines;
        for (const unsigned char *q = at; q < to; q++)
            lines += *q == '\n';
        at = to;
    }
    if ((size_t)lines * cap > (size_t)PY_SSIZE_T_MAX / itemsize) {
        PyErr_NoMemory();
        goto done;
    }
    grid = PyByteArray_FromStringAndSize(NULL, (Py_ssize_t)(lines * cap * itemsize));
    nums = PyByteArray_FromStringAndSize(NULL, lines * (Py_ssize_t)sizeof(int64_t));
    places = PyByteArray_FromStringAndSize(NULL, lines);
    if (!grid || !nums || !places)
        goto done;
    for (int k = 0; k < nparts; k++) {
        Part *t = &parts[k];
        t->grid = PyByteArray_AS_STRING(grid);
        t->nums = (int64_t *)PyByteArray_AS_STRING(nums);
        t->places = (int8_t *)PyByteArray_AS_STRING(places);
        t->itemsize = itemsize;
        t->cap = cap;
        t->ncand = ncand;
        if (ncand <= MAX_STAMPED && !(t->seen = PyMem_RawCalloc(ncand + 1, sizeof(uint32_t)))) {
            PyErr_NoMemory();
            goto done;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    pthread_t threads[MAX_PARTS];
    int started[MAX_PARTS] = {0};
    for (int k = 1; k < nparts; k++)
        started[k] = parts[k].begin < parts[k].end && pthread_create(&threads[k], NULL, run_part, &parts[k]) == 0;
    run_part(&parts[0]);
    for (int k = 1; k < nparts; k++) {
        if (started[k])
            pthread_join(threads[k], NULL);
        else
            run_part(&parts[k]);
        failed |= parts[k].failed;
    }
    failed |= parts[0].failed;
    Py_END_ALLOW_THREADS
    if (failed) {
        PyErr_NoMemory();
        goto done;
    }
    long long truncated = 0;
    int width = 0;
    for (int k = 0; k < nparts; k++)
        if (parts[k].width > width)
            width = parts[k].width;
    Py_ssize_t ends = lines;
    const unsigned char *end_at = end;
    if (finish(careful, grid, parts, nparts, lines, first_line, &last, &ends, &end_at, &truncated, &width) < 0)
        goto done;
    if (ends < lines) { /* the ballots ended early: the rest is not theirs */
        lines = ends;
        width = longest(&parts[0], lines);
    }
    Py_ssize_t rows = compact(&parts[0], lines, width);
    if (PyByteArray_Resize(grid, rows * width * itemsize) < 0 ||
        PyByteArray_Resize(nums, rows * (Py_ssize_t)sizeof(int64_t)) < 0 || PyByteArray_Resize(places, rows) < 0)
        goto done;
    result = Py_BuildValue("OiOOnLnn", grid, width, nums, places, rows, truncated, lines, end_at - bytes);
done:
    for (int k = 0; k < nparts; k++) {
        PyMem_RawFree(parts[k].seen);
        PyMem_RawFree(parts[k].deferred);
    }
    Py_XDECREF(grid);
    Py_XDECREF(nums);
    Py_XDECREF(places);
    PyBuffer_Release(&data);
    PyBuffer_Release(&last);
    return result;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS, "Parse a BLT file's ballot lines (see the module's source)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_bltscan", NULL, -1, methods};

PyMODINIT_FUNC PyInit__bltscan(void) { return PyModule_Create(&module); }
