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
                                    dash, equals - dash - 1, size - equals - 1};
        }
        start = end + 1;
    }
    return count;
}

/* cp._number: a plain decimal number, optionally with an exponent, finite. 1: *number is set; 0: not
 * a number (stored as NULL); -1: a Python error is set. */
static int parse_number(const char *raw, Py_ssize_t length, double *number) {
    if (length == 0)
        return 0;
    for (Py_ssize_t i = 0; i < length; i++)
        if (raw[i] == '\0' || !strchr("0123456789.+-eE", raw[i]))
            return 0;
    char *digits = PyMem_Malloc(length + 1); /* PyOS_string_to_double reads up to a NUL */
    if (digits == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memcpy(digits, raw, length);
    digits[length] = '\0';
    double value = PyOS_string_to_double(digits, NULL, NULL);
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
    Buffer out = {NULL, 0, 0};
    PyObject *result = NULL;
    if (items == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t count = read_items(text, length, items);
    if (count < 0) {
        result = Py_NewRef(Py_None); /* more items than CP can hold: leave it to Python */
        goto done;
    }
    for (Py_ssize_t first = 0; first < count; first++) {
        const Item *head = &items[first];
        int seen = 0; /* is this code's first item further up? */
        for (Py_ssize_t k = 0; k < first && !seen; k++)
            seen = same(items[k].code, items[k].code_len, head->code, head->code_len);
        if (seen)
            continue;
        const Item *flag = NULL;
        for (Py_ssize_t k = first; k < count && flag == NULL; k++)
            if (same(items[k].code, items[k].code_len, head->code, head->code_len) &&
                same(items[k].suffix, items[k].suffix_len, "Flag", 4))
                flag = &items[k];
        for (Py_ssize_t j = first; j < count; j++) {
            const Item *item = &items[j];
            if (!same(item->code, item->code_len, head->code, head->code_len) || !is_numeric_kind(item))
                continue;
            int repeated = 0; /* an earlier value of the same kind for this code wins */
            for (Py_ssize_t k = first; k < j && !repeated; k++)
                repeated = same(items[k].code, items[k].code_len, head->code, head->code_len) &&
                           same(items[k].suffix, items[k].suffix_len, item->suffix, item->suffix_len);
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
