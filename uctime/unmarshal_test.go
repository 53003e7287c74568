package uctime_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/ultracart-community/ultracart-go/uctime"
)

// viaJSON is how UnmarshalJSON used to read a token: a second json.Unmarshal
// into a string, then Parse. The direct reading must agree with it on every
// input (FuzzUnmarshalAgrees) and beat it (BenchmarkUnmarshalJSON).
func viaJSON(b []byte) (instant time.Time, raw string) {
	if string(b) == "null" {
		return time.Time{}, ""
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		if parsed, perr := uctime.Parse(s); perr == nil {
			return parsed, ""
		}
	}
	return time.Time{}, string(b)
}

// unmarshalSeeds are the tokens both readings must agree on: plain strings,
// escapes, non-ASCII, whitespace, non-strings and malformed JSON.
var unmarshalSeeds = []string{
	`"2022-12-13T09:58:41-05:00"`,
	`"2022-12-13T09:58:41.123456789+05:30"`,
	`"2022-12-13 09:58:41"`,
	`"2022-12-13"`,
	`"2022-12-13T09:58:41\u002d05:00"`, // an escaped '-': valid once unescaped
	`"2022\u002d12\u002d13"`,
	`"2022-12-13T09:58:41\/"`,
	`"13\/12\/2022 \u00e9"`,
	`"2022-12-13T09:58:41Z\n"`,
	`"2022-12-13T09:58:41Z` + "\t" + `"`,   // a raw control character: invalid JSON
	`"2022-12-13T09:58:41Z` + "\xff" + `"`, // invalid UTF-8
	`"２０２２-12-13"`,                         // non-ASCII digits
	`"garbage"`, `""`, `"`, `"a"b"`, `"a\"b"`, `"\"2022-12-13\""`,
	` "2022-12-13T09:58:41Z" `, // whitespace around: only a direct call sees it
	`"2022-12-13T09:58:41Z"x`,
	`null`, `nul`, `1670943521000`, `true`, `{"a":1}`, `["2022-12-13"]`, ``,
}

func TestUnmarshalAgreesWithJSONString(t *testing.T) {
	for _, in := range unmarshalSeeds {
		checkAgrees(t, []byte(in))
	}
}

// TestUnmarshalEscapedIsValid pins the fallback: a date-time written with
// JSON escapes is read as the text it stands for, not kept as raw.
func TestUnmarshalEscapedIsValid(t *testing.T) {
	var v uctime.Time
	if err := json.Unmarshal([]byte(`"2022-12-13T09:58:41\u002d05:00"`), &v); err != nil {
		t.Fatal(err)
	}
	if !v.Valid() || !v.Equal(time.Date(2022, 12, 13, 14, 58, 41, 0, time.UTC)) {
		t.Errorf("escaped date-time: %#v", v)
	}
	if err := v.UnmarshalJSON([]byte(`"13\/12\/2022"`)); err != nil {
		t.Fatal(err)
	}
	if v.Valid() || v.Raw() != `"13\/12\/2022"` {
		t.Errorf("escaped non-date: Valid %v, Raw %q", v.Valid(), v.Raw())
	}
}

func FuzzUnmarshalAgrees(f *testing.F) {
	for _, in := range unmarshalSeeds {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkAgrees(t, b) })
}

func checkAgrees(t *testing.T, b []byte) {
	t.Helper()
	wantInstant, wantRaw := viaJSON(b)
	var v uctime.Time
	if err := v.UnmarshalJSON(bytes.Clone(b)); err != nil {
		t.Fatalf("UnmarshalJSON(%q): %v", b, err)
	}
	if !v.Time.Equal(wantInstant) || v.Time.IsZero() != wantInstant.IsZero() {
		t.Errorf("UnmarshalJSON(%q): instant %v, want %v", b, v.Time, wantInstant)
	}
	if _, off := v.Zone(); !wantInstant.IsZero() {
		if _, wantOff := wantInstant.Zone(); off != wantOff {
			t.Errorf("UnmarshalJSON(%q): offset %d, want %d", b, off, wantOff)
		}
	}
	if v.Raw() != wantRaw {
		t.Errorf("UnmarshalJSON(%q): Raw %q, want %q", b, v.Raw(), wantRaw)
	}
	if wantRaw != "" {
		if out, err := v.MarshalJSON(); err != nil || !bytes.Equal(out, b) {
			t.Errorf("UnmarshalJSON(%q) then MarshalJSON = %q, %v: want the input back", b, out, err)
		}
	}
}

// BenchmarkUnmarshalJSON compares reading a date-time directly with the
// second json.Unmarshal it replaced (viaJSON), on the token alone and inside
// a model as encoding/json decodes it.
func BenchmarkUnmarshalJSON(b *testing.B) {
	token := []byte(`"2022-12-13T09:58:41.123-05:00"`)
	b.Run("token/direct", func(b *testing.B) {
		b.ReportAllocs()
		var v uctime.Time
		for b.Loop() {
			if err := v.UnmarshalJSON(token); err != nil || !v.Valid() {
				b.Fatal(err)
			}
		}
	})
	b.Run("token/via_json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, raw := viaJSON(token); raw != "" {
				b.Fatal(raw)
			}
		}
	})
	escaped := []byte(`"2022-12-13T09:58:41.123\u002d05:00"`)
	b.Run("token/escaped", func(b *testing.B) {
		b.ReportAllocs()
		var v uctime.Time
		for b.Loop() {
			if err := v.UnmarshalJSON(escaped); err != nil || !v.Valid() {
				b.Fatal(err)
			}
		}
	})
	// A conversation summary's four date-times.
	doc := []byte(`{"start_dts":"2025-03-14T07:56:53-05:00","last_message_dts":"2025-03-14T09:28:53-05:00",` +
		`"last_interactive_message_dts":"2025-03-14T09:27:53-05:00","customer_first_message_unresponded_to_dts":"2025-03-14T09:26:53-05:00"}`)
	b.Run("model", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m struct {
				Start       *uctime.Time `json:"start_dts"`
				Last        *uctime.Time `json:"last_message_dts"`
				Interactive *uctime.Time `json:"last_interactive_message_dts"`
				Unanswered  *uctime.Time `json:"customer_first_message_unresponded_to_dts"`
			}
			if err := json.Unmarshal(doc, &m); err != nil || m.Unanswered == nil {
				b.Fatal(err)
			}
		}
	})
}
