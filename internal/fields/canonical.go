package fields

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Error says what is wrong with a body and where.
type Error struct {
	// Path is the dotted path of the field at fault, as the body spells
	// it ("llm.temprature"); empty when the fault is the body's as a whole.
	Path string
	// Nearest is the path of the known field that Path was probably meant
	// to be ("llm.temperature"), or empty.
	Nearest string
	// Offset is where the fault starts, in bytes from the start of the
	// body; Line and Column (from 1, Column in characters) say the same.
	Offset       int64
	Line, Column int
	// Reason says what is wrong, naming Path and Nearest, without the
	// position.
	Reason string
}

// Error returns the reason and the position.
func (e *Error) Error() string {
	return fmt.Sprintf("%s (line %d, column %d)", e.Reason, e.Line, e.Column)
}

// Canonical checks that data is one JSON object of the shape o describes,
// with every name in the table and every value of its field's kind, and
// returns it compacted, with every name in snake_case: what a decoder with
// snake_case tags reads in full. Values are kept as they are: numbers keep
// their digits, strings their escapes, and the keys of an object map (a
// schema's properties) their spelling. A name given in both spellings is
// refused, as protobuf JSON parsers refuse it.
func Canonical(data []byte, o *Object) ([]byte, error) {
	w := &walker{data: data, root: o, dec: json.NewDecoder(bytes.NewReader(data))}
	w.dec.UseNumber()
	if c, _ := w.peek(); c != '{' {
		if c == 0 {
			return nil, w.fail(w.pos(), "", "", "the body is empty: it must be a JSON object")
		}
		return nil, w.fail(w.pos(), "", "", "the body must be a JSON object")
	}
	if err := w.object(o, ""); err != nil {
		return nil, err
	}
	at := w.pos()
	if _, err := w.dec.Token(); err != io.EOF {
		return nil, w.fail(at, "", "", "more than one JSON value: the body must be one object")
	}
	return w.out.Bytes(), nil
}

// walker reads a body token by token, checking it against the table and
// writing its canonical form.
type walker struct {
	data []byte
	root *Object
	dec  *json.Decoder
	out  bytes.Buffer
}

// pos is the offset of the next token: past the whitespace, colon or comma
// after the last one.
func (w *walker) pos() int64 {
	i := w.dec.InputOffset()
	for i < int64(len(w.data)) && strings.IndexByte(" \t\r\n:,", w.data[i]) >= 0 {
		i++
	}
	return i
}

// peek returns the first byte of the next token, or 0 at the end.
func (w *walker) peek() (byte, int64) {
	i := w.pos()
	if i >= int64(len(w.data)) {
		return 0, i
	}
	return w.data[i], i
}

func (w *walker) fail(at int64, path, nearest, reason string) *Error {
	line, col := Position(w.data, at)
	return &Error{Path: path, Nearest: nearest, Offset: at, Line: line, Column: col, Reason: reason}
}

// syntax turns a decoder's error into an Error where the JSON goes wrong.
// A decoder read token by token reports offsets that vary with the token, so
// the body is scanned whole again for the offset and the message.
func (w *walker) syntax(err error, at int64) *Error {
	var v any
	var se *json.SyntaxError
	if whole := json.Unmarshal(w.data, &v); errors.As(whole, &se) {
		if se.Offset >= int64(len(w.data)) && strings.Contains(se.Error(), "end of JSON input") {
			return w.fail(int64(len(w.data)), "", "", "invalid JSON: it ends before the object does")
		}
		return w.fail(max(se.Offset-1, 0), "", "", "invalid JSON: "+se.Error())
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return w.fail(int64(len(w.data)), "", "", "invalid JSON: it ends before the object does")
	}
	return w.fail(at, "", "", "invalid JSON: "+err.Error())
}

// delim reads the delimiter want.
func (w *walker) delim(want json.Delim) error {
	at := w.pos()
	tok, err := w.dec.Token()
	if err != nil {
		return w.syntax(err, at)
	}
	if tok != want {
		return w.fail(at, "", "", fmt.Sprintf("invalid JSON: want %q", want))
	}
	w.out.WriteString(want.String())
	return nil
}

// members reads an object, the next token, calling each with the key and
// the offset of every member, whose value each reads and writes; the
// separators and braces are written here.
func (w *walker) members(each func(key string, at int64) error) error {
	if err := w.delim('{'); err != nil {
		return err
	}
	for n := 0; w.dec.More(); n++ {
		at := w.pos()
		tok, err := w.dec.Token()
		if err != nil {
			return w.syntax(err, at)
		}
		if n > 0 {
			w.out.WriteByte(',')
		}
		key, _ := tok.(string)
		if err := each(key, at); err != nil {
			return err
		}
	}
	return w.delim('}')
}

// object reads an object of o at path.
func (w *walker) object(o *Object, path string) error {
	seen := map[string]string{} // snake name -> spelling used
	return w.members(func(key string, at int64) error {
		f, ok := o.Field(key)
		if !ok {
			return w.unknown(o, path, key, at)
		}
		p := join(path, f.Name)
		if prev, dup := seen[f.Name]; dup {
			how := fmt.Sprintf("as %q and %q", prev, key)
			if prev == key {
				how = "with the same name"
			}
			return w.fail(at, join(path, key), "", fmt.Sprintf("%q is given twice (%s)", p, how))
		}
		seen[f.Name] = key
		w.out.WriteString(strconv.Quote(f.Name))
		w.out.WriteByte(':')
		return w.value(f, p)
	})
}

// value reads the value of f at path.
func (w *walker) value(f Field, path string) error {
	c, at := w.peek()
	switch {
	case f.Kind == KindObject && c == '{':
		return w.object(f.Object, path)
	case f.Kind == KindObjectMap && c == '{':
		return w.members(func(key string, _ int64) error { // the keys are the caller's
			w.out.Write(quote(key))
			w.out.WriteByte(':')
			return w.value(Field{Name: key, Kind: KindObject, Object: f.Object}, path+"."+key)
		})
	case f.Kind == KindObjects && c == '[':
		return w.objects(f.Object, path)
	}
	return w.scalar(f, path, at)
}

// objects reads an array of objects of o.
func (w *walker) objects(o *Object, path string) error {
	if err := w.delim('['); err != nil {
		return err
	}
	for n := 0; w.dec.More(); n++ {
		if n > 0 {
			w.out.WriteByte(',')
		}
		if err := w.value(Field{Kind: KindObject, Object: o}, fmt.Sprintf("%s[%d]", path, n)); err != nil {
			return err
		}
	}
	return w.delim(']')
}

// scalar reads a value that is not stepped into, null included, and checks
// its kind.
func (w *walker) scalar(f Field, path string, at int64) error {
	var raw json.RawMessage
	if err := w.dec.Decode(&raw); err != nil {
		return w.syntax(err, at)
	}
	if string(raw) != "null" && !isKind(raw, f.Kind) {
		return w.fail(at, path, "", fmt.Sprintf("%q must be %s, not %s", path, kindName(f.Kind), valueName(raw)))
	}
	return json.Compact(&w.out, raw)
}

func isKind(raw json.RawMessage, k Kind) bool {
	switch k {
	case KindObject, KindObjectMap, KindAnyObject:
		return raw[0] == '{'
	case KindObjects:
		return raw[0] == '['
	case KindString:
		return raw[0] == '"'
	case KindStrings:
		var elems []json.RawMessage
		if raw[0] != '[' || json.Unmarshal(raw, &elems) != nil {
			return false
		}
		for _, e := range elems {
			if e[0] != '"' {
				return false
			}
		}
		return true
	case KindNumber:
		return raw[0] == '-' || ('0' <= raw[0] && raw[0] <= '9')
	case KindInteger:
		s := string(raw)
		if raw[0] == '"' {
			if json.Unmarshal(raw, &s) != nil {
				return false
			}
		}
		_, err := strconv.ParseInt(s, 10, 64)
		return err == nil
	case KindBool:
		return string(raw) == "true" || string(raw) == "false"
	case KindTimestamp:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return false
		}
		_, err := time.Parse(time.RFC3339Nano, s)
		return err == nil
	}
	return false
}

func kindName(k Kind) string {
	switch k {
	case KindObject, KindObjectMap, KindAnyObject:
		return "an object"
	case KindObjects:
		return "an array of objects"
	case KindString:
		return "a string"
	case KindStrings:
		return "an array of strings"
	case KindNumber:
		return "a number"
	case KindInteger:
		return "a whole number (a number or a string of digits)"
	case KindBool:
		return "true or false"
	case KindTimestamp:
		return `an RFC 3339 date-time string, e.g. "2025-06-01T12:00:00Z"`
	}
	return "a value"
}

func valueName(raw json.RawMessage) string {
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return strconv.Quote(oneLine(raw))
	case 't', 'f':
		return string(raw)
	}
	return oneLine(raw)
}

// oneLine is a short sample of a value for a message.
func oneLine(raw json.RawMessage) string {
	s := string(raw)
	if raw[0] == '"' {
		_ = json.Unmarshal(raw, &s)
	}
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return s
}

// quote writes a key as JSON, as json.Marshal would.
func quote(s string) []byte {
	b, _ := json.Marshal(s)
	return b
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// Position returns the line and column (from 1; the column in characters)
// of a byte offset in data.
func Position(data []byte, offset int64) (line, column int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	if i := bytes.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	return line, utf8.RuneCount(before) + 1
}
