package conversation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
)

// modifyCall is what a generated Modify<Noun> helper gives modify: the get
// and the update of one object, bound to the helper's checked arguments.
type modifyCall[T, R any] struct {
	get, put operation
	// key is the payload's property in the get's response (pbx_queue).
	key      string
	buildGet builder
	buildPut func(server string, body io.Reader) (*http.Request, error)
	// env reads the envelope of a response R (nil: it has none); payload
	// its object.
	env     func(*R) envelope
	payload func(*R) *T
}

// modify is the read-modify-write of every Modify<Noun> helper: it reads
// the object, hands change the copy it decoded, and writes it back whole,
// with what the service sent kept wherever change left it as it was (see
// preserve). It writes nothing when change fails or changes nothing.
func modify[T, R any](ctx context.Context, c *Client, m modifyCall[T, R], change func(*T) error, opts []CallOption) (*T, error) {
	if change == nil {
		return nil, &ArgumentError{Operation: m.put.id, Argument: "change", Reason: "is required"}
	}
	var env func(*withRaw[R]) envelope
	if m.env != nil {
		env = func(w *withRaw[R]) envelope { return m.env(&w.model) }
	}
	var info ResponseInfo
	read, err := call[withRaw[R]](ctx, c, m.get, m.buildGet, env, append(opts[:len(opts):len(opts)], WithResponseInfo(&info)))
	if err != nil {
		return nil, err
	}
	obj, raw := m.payload(&read.model), read.fields[m.key]
	if obj == nil || len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		// Writing back what the service did not send would clear the object.
		return nil, &DecodeError{Operation: m.get.id, StatusCode: info.StatusCode, ContentType: info.Header.Get("Content-Type"),
			Snippet: truncate(read.body, maxErrorBody), Err: fmt.Errorf("the response has no %s: nothing to modify", m.key)}
	}
	before, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	if err := change(obj); err != nil {
		return nil, err
	}
	after, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("conversation: %s: encoding the changed object: %w", m.put.id, err)
	}
	if bytes.Equal(before, after) {
		// Nothing to write: the caller's ResponseInfo is the read's.
		var o callOptions
		for _, opt := range opts {
			if opt != nil {
				opt(&o)
			}
		}
		if o.info != nil {
			*o.info = info
		}
		return obj, nil
	}
	body, err := preserve(raw, before, after)
	if err != nil {
		return nil, fmt.Errorf("conversation: %s: %w", m.put.id, err)
	}
	put := func(server string) (*http.Request, error) { return m.buildPut(server, bytes.NewReader(body)) }
	written, err := call[R](ctx, c, m.put, put, m.env, opts)
	if err != nil {
		return nil, err
	}
	return orZero(m.payload(written)), nil
}

// withRaw is a response decoded twice: as its model, and as its properties'
// JSON, so that modify can send back what the model does not hold.
type withRaw[R any] struct {
	model  R
	fields map[string]json.RawMessage
	body   []byte
}

func (w *withRaw[R]) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &w.model); err != nil {
		return err
	}
	w.body = bytes.Clone(b)
	return json.Unmarshal(b, &w.fields)
}

// preserve is the body to send for an object read as raw, decoded and
// encoded as before, then changed to after: after, except that what change
// did not touch is sent as the service sent it. A property the model does
// not know (one a later release of UltraCart added) is kept; so is every
// value change left equal, byte for byte (a number's or a date-time's own
// spelling). Objects are merged property by property and lists of the same
// length item by item; a list change resized is sent as change left it, and
// what the model does not know inside its items is lost.
func preserve(raw, before, after []byte) ([]byte, error) {
	var r, b, a any
	for _, x := range []struct {
		src []byte
		dst *any
	}{{raw, &r}, {before, &b}, {after, &a}} {
		dec := json.NewDecoder(bytes.NewReader(x.src))
		dec.UseNumber()
		if err := dec.Decode(x.dst); err != nil {
			return nil, fmt.Errorf("merging the changed object with the one read: %w", err)
		}
	}
	out, err := json.Marshal(merge(r, b, a))
	if err != nil {
		return nil, fmt.Errorf("merging the changed object with the one read: %w", err)
	}
	return out, nil
}

// merge is after, with raw wherever after equals before (see preserve).
func merge(raw, before, after any) any {
	if reflect.DeepEqual(before, after) {
		return raw
	}
	switch a := after.(type) {
	case map[string]any:
		r, rok := raw.(map[string]any)
		b, bok := before.(map[string]any)
		if !rok || !bok {
			return after
		}
		out := make(map[string]any, len(a))
		for k, rv := range r {
			// Not in the model's encoding: unknown to it, or null (which
			// the model reads as absent). Unknown properties are kept; a null
			// means the same as leaving it out.
			if _, known := b[k]; !known && rv != nil {
				out[k] = rv
			}
		}
		for k, av := range a {
			rv, inRaw := r[k]
			bv, inBefore := b[k]
			if inRaw && inBefore {
				out[k] = merge(rv, bv, av)
			} else {
				out[k] = av
			}
		}
		// A property change cleared (nil) is in before and not in after:
		// it stays out, and the service clears it.
		return out
	case []any:
		r, rok := raw.([]any)
		b, bok := before.([]any)
		if !rok || !bok || len(r) != len(b) || len(b) != len(a) {
			return after
		}
		out := make([]any, len(a))
		for i := range a {
			out[i] = merge(r[i], b[i], a[i])
		}
		return out
	}
	return after
}
