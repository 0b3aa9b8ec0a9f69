/* C versions of the two things the gateway does for every byte and every value it stores.
 *
 * crc16(data) is crc.crc16: the HJ 212-2017 Appendix A CRC, one table lookup per byte.
 * measurement_copy_rows(text, prefix) is pgcopy.measurement_copy_rows_python: the numeric values of
 * canonical CP text as rows of PostgreSQL's binary COPY format.
 *
 * Both Python versions stay the reference; tests/hj212/test_speedups.py checks these give the same
 * answers on generated input. Built by `make` (see the Makefile); without a C compiler the gateway
 * runs the Python versions.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------- crc16 */
/* HJ 212-2017 Appendix A: crc = (crc >> 8) ^ byte, then eight reflected shifts with 0xA001, from
 * 0xFFFF. (crc >> 8) ^ byte is below 256, so the eight shifts are one lookup of that value. */
static uint16_t shifted[256];

static void build_crc_table(void) {
    for (unsigned value = 0; value < 256; value++) {
        uint16_t crc = (uint16_t)value;
        for (int bit = 0; bit < 8; bit++)
            crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xA001) : (uint16_t)(crc >> 1);
        shifted[value] = crc;
    }
}

static PyObject *crc16(PyObject *module, PyObject *arg) {
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    const unsigned char *data = view.buf;
    uint16_t crc = 0xFFFF;
    for (Py_ssize_t i = 0; i < view.len; i++)
        crc = shifted[(crc >> 8) ^ data[i]];
    PyBuffer_Release(&view);
    return PyLong_FromLong(crc);
}

/* --------------------------------------------------------------------------- measurement rows */
/* CP.measurements() on canonical text: items are separated by ';' or ','; an item
 * "code-suffix=raw" has no '=' or '-' in code and no '=' in suffix (the regular expression
 * cp._CODE_ITEM). The first value of each suffix of a code counts; codes in the order they first
 * appear, suffixes likewise; a code's flag is its first "-Flag" item. */
#define MAX_ITEMS 512 /* CP is at most 960 characters: at most 480 items */
#define CODE_MAX 16   /* Measurement.code max_length */
#define FLAG_MAX 2    /* Measurement.flag max_length */

typedef struct {
    const char *code, *suffix, *raw;
    Py_ssize_t code_len, suffix_len, raw_len;
    Py_ssize_t next; /* the next item of the same code, or -1 */
} Item;

static const char *const numeric_kinds[] = {"Rtd",   "Avg",   "Min",   "Max",   "Cou",
                                             "ZsRtd", "ZsAvg", "ZsMin", "ZsMax", "ZsCou"};

static int is_numeric_kind(const Item *item) {
    for (size_t i = 0; i < sizeof numeric_kinds / sizeof numeric_kinds[0]; i++)
        if ((Py_ssize_t)strlen(numeric_kinds[i]) == item->suffix_len &&
            memcmp(numeric_kinds[i], item->suffix, item->suffix_len) == 0)
            return 1;
    return 0;
}

static int same(const char *a, Py_ssize_t a_len, const char *b, Py_ssize_t b_len) {
    return a_len == b_len && memcmp(a, b, a_len) == 0;
}

static Py_ssize_t read_items(const char *text, Py_ssize_t length, Item *items) {
    Py_ssize_t count = 0, start = 0;
    while (start <= length) {
        Py_ssize_t end = start;
        while (end < length && text[end] != ';' && text[end] != ',')
            end++;
        const char *item = text + start;
        Py_ssize_t size = end - start, dash = -1, equals = -1;
        for (Py_ssize_t i = 0; i < size; i++) {
            if (item[i] == '=') {
                equals = i;
                break;
            }
            if (item[i] == '-' && dash < 0)
                dash = i;
        }
        if (dash >= 0 && equals > dash) {
            if (count == MAX_ITEMS)
                return -1;
            items[count++] = (Item){item, item + dash + 1, item + equals + 1,
                                    dash, equals - dash - 1, size - equals - 1, -1};
        }
        start = end + 1;
    }
    return count;
}

/* A plain decimal "[+-]digits[.digits]" of at most 15 digits is mantissa / 10**k with both exact
 * doubles, so one correctly rounded division gives what strtod gives (Clinger's fast path). */
static const double powers_of_ten[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

static int simple_decimal(const char *raw, Py_ssize_t length, double *number) {
    Py_ssize_t i = 0, digits = 0, decimals = -1;
    int negative = raw[0] == '-';
    if (raw[0] == '-' || raw[0] == '+')
        i = 1;
    int64_t mantissa = 0;
    for (; i < length; i++) {
        if (raw[i] >= '0' && raw[i] <= '9') {
            mantissa = mantissa * 10 + (raw[i] - '0');
            digits++;
            if (decimals >= 0)
                decimals++;
        } else if (raw[i] == '.' && decimals < 0) {
            decimals = 0;
        } else {
            return 0;
        }
    }
    if (digits == 0 || digits > 15)
        return 0;
    double value = (double)mantissa / powers_of_ten[decimals > 0 ? decimals : 0];
    *number = negative ? -value : value;
    return 1;
}

/* cp._number: a plain decimal number, optionally with an exponent, finite. 1: *number is set; 0: not
 * a number (stored as NULL); -1: a Python error is set. */
static int parse_number(const char *raw, Py_ssize_t length, double *number) {
    if (length == 0)
        return 0;
    for (Py_ssize_t i = 0; i < length; i++)
        if (raw[i] == '\0' || !strchr("0123456789.+-eE", raw[i]))
            return 0;
    if (simple_decimal(raw, length, number))
        return 1;
    char local[64];
    char *digits = length < (Py_ssize_t)sizeof local ? local : PyMem_Malloc(length + 1);
    if (digits == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memcpy(digits, raw, length);
    digits[length] = '\0'; /* PyOS_string_to_double reads up to a NUL */
    double value = PyOS_string_to_double(digits, NULL, NULL);
    if (digits != local)
        PyMem_Free(digits);
    if (value == -1.0 && PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_ValueError))
            return -1;
        PyErr_Clear(); /* "1.2.3", "--1", "e5" … */
        return 0;
    }
    if (!isfinite(value))
        return 0;
    *number = value;
    return 1;
}

typedef struct {
    char *data;
    Py_ssize_t size, capacity;
} Buffer;

static int reserve(Buffer *buffer, Py_ssize_t more) {
    if (buffer->size + more <= buffer->capacity)
        return 0;
    Py_ssize_t capacity = (buffer->size + more) * 2;
    char *data = PyMem_Realloc(buffer->data, capacity);
    if (data == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    buffer->data = data;
    buffer->capacity = capacity;
    return 0;
}

static void put_int32(Buffer *buffer, int32_t value) {
    uint32_t big = (uint32_t)value;
    unsigned char *out = (unsigned char *)buffer->data + buffer->size;
    out[0] = big >> 24, out[1] = big >> 16, out[2] = big >> 8, out[3] = big;
    buffer->size += 4;
}

static void put_field(Buffer *buffer, const char *data, Py_ssize_t length) {
    put_int32(buffer, (int32_t)length);
    memcpy(buffer->data + buffer->size, data, length);
    buffer->size += length;
}

static void put_float8(Buffer *buffer, double value) {
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    put_int32(buffer, 8);
    unsigned char *out = (unsigned char *)buffer->data + buffer->size;
    for (int i = 0; i < 8; i++)
        out[i] = (unsigned char)(bits >> (56 - 8 * i));
    buffer->size += 8;
}

static PyObject *measurement_copy_rows(PyObject *module, PyObject *args) {
    PyObject *text_object;
    Py_buffer prefix;
    if (!PyArg_ParseTuple(args, "Uy*:measurement_copy_rows", &text_object, &prefix))
        return NULL;
    if (!PyUnicode_IS_ASCII(text_object)) {
        PyBuffer_Release(&prefix);
        Py_RETURN_NONE; /* the Python version handles the rest */
    }
    const char *text = (const char *)PyUnicode_DATA(text_object);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text_object);
    Item *items = PyMem_Malloc(sizeof(Item) * MAX_ITEMS);
    Py_ssize_t *heads = PyMem_Malloc(sizeof(Py_ssize_t) * MAX_ITEMS * 3); /* per code, then item */
    Py_ssize_t *last = heads + MAX_ITEMS, *code_of = heads + 2 * MAX_ITEMS;
    Buffer out = {NULL, 0, 0};
    PyObject *result = NULL;
    if (items == NULL || heads == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t count = read_items(text, length, items);
    if (count < 0) {
        result = Py_NewRef(Py_None); /* more items than CP can hold: leave it to Python */
        goto done;
    }
    /* Chain the items of each code; heads[] holds each code's first item, in order of appearance.
     * Items of a code usually follow each other, so the previous item is tried first. */
    Py_ssize_t codes = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_ssize_t code = -1;
        if (i > 0 && same(items[i].code, items[i].code_len, items[i - 1].code, items[i - 1].code_len))
            code = code_of[i - 1];
        for (Py_ssize_t c = 0; code < 0 && c < codes; c++)
            if (same(items[heads[c]].code, items[heads[c]].code_len, items[i].code, items[i].code_len))
                code = c;
        if (code < 0) {
            code = codes++;
            heads[code] = i;
        } else {
            items[last[code]].next = i;
        }
        last[code] = i;
        code_of[i] = code;
    }
    for (Py_ssize_t c = 0; c < codes; c++) {
        const Item *flag = NULL;
        for (Py_ssize_t k = heads[c]; k >= 0 && flag == NULL; k = items[k].next)
            if (same(items[k].suffix, items[k].suffix_len, "Flag", 4))
                flag = &items[k];
        for (Py_ssize_t j = heads[c]; j >= 0; j = items[j].next) {
            const Item *item = &items[j];
            if (!is_numeric_kind(item))
                continue;
            int repeated = 0; /* an earlier value of the same kind for this code wins */
            for (Py_ssize_t k = heads[c]; k != j && !repeated; k = items[k].next)
                repeated = same(items[k].suffix, items[k].suffix_len, item->suffix, item->suffix_len);
            if (repeated)
                continue;
            double value = 0;
            int parsed = parse_number(item->raw, item->raw_len, &value);
            if (parsed < 0)
                goto done;
            Py_ssize_t code_len = item->code_len < CODE_MAX ? item->code_len : CODE_MAX;
            Py_ssize_t flag_len = flag == NULL ? 0 : (flag->raw_len < FLAG_MAX ? flag->raw_len : FLAG_MAX);
            if (reserve(&out, prefix.len + 4 * 4 + code_len + item->suffix_len + 8 + flag_len) < 0)
                goto done;
            memcpy(out.data + out.size, prefix.buf, prefix.len);
            out.size += prefix.len;
            put_field(&out, item->code, code_len);
            put_field(&out, item->suffix, item->suffix_len);
            if (parsed)
                put_float8(&out, value);
            else
                put_int32(&out, -1); /* NULL */
            put_field(&out, flag == NULL ? "" : flag->raw, flag_len);
        }
    }
    result = PyBytes_FromStringAndSize(out.data ? out.data : "", out.size);
done:
    PyMem_Free(items);
    PyMem_Free(heads);
    PyMem_Free(out.data);
    PyBuffer_Release(&prefix);
    return result;
}

/* -------------------------------------------------------------------------------------- module */
static PyMethodDef methods[] = {
    {"crc16", crc16, METH_O, "HJ 212 CRC of a bytes-like object (see crc.crc16)."},
    {"measurement_copy_rows", measurement_copy_rows, METH_VARARGS,
     "Binary COPY rows of the numeric values in canonical ASCII CP text, each row starting with "
     "prefix; None for text this version does not handle (see pgcopy.measurement_copy_rows)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    .m_base = PyModuleDef_HEAD_INIT, .m_name = "_speedups", .m_size = -1, .m_methods = methods};

PyMODINIT_FUNC PyInit__speedups(void) {
    build_crc_table();
    return PyModule_Create(&module);
}
