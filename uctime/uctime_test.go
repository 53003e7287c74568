package uctime_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/ultracart-community/ultracart-go/uctime"
)

var est = time.FixedZone("", -5*3600)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, in   string
		want       time.Time // the instant
		wantOffset int       // seconds east of UTC
	}{
		{"RFC3339 with offset", "2022-12-13T09:58:41-05:00", time.Date(2022, 12, 13, 9, 58, 41, 0, est), -5 * 3600},
		{"RFC3339 UTC", "2022-12-13T14:58:41Z", time.Date(2022, 12, 13, 14, 58, 41, 0, time.UTC), 0},
		{"RFC3339Nano", "2022-12-13T09:58:41.123456789+05:30", time.Date(2022, 12, 13, 4, 28, 41, 123456789, time.UTC), 5*3600 + 1800},
		{"RFC3339 millis", "2022-12-13T09:58:41.5-05:00", time.Date(2022, 12, 13, 9, 58, 41, 500000000, est), -5 * 3600},
		{"offset without colon", "2022-12-13T09:58:41-0500", time.Date(2022, 12, 13, 9, 58, 41, 0, est), -5 * 3600},
		{"offset without colon, fraction", "2022-12-13T09:58:41.25+0530", time.Date(2022, 12, 13, 4, 28, 41, 250000000, time.UTC), 5*3600 + 1800},
		{"no zone is UTC", "2022-12-13T09:58:41", time.Date(2022, 12, 13, 9, 58, 41, 0, time.UTC), 0},
		{"no zone, fraction", "2022-12-13T09:58:41.007", time.Date(2022, 12, 13, 9, 58, 41, 7000000, time.UTC), 0},
		{"space separator", "2022-12-13 09:58:41", time.Date(2022, 12, 13, 9, 58, 41, 0, time.UTC), 0},
		{"space separator with offset", "2022-12-13 09:58:41-05:00", time.Date(2022, 12, 13, 9, 58, 41, 0, est), -5 * 3600},
		{"space separator, offset without colon", "2022-12-13 09:58:41-0500", time.Date(2022, 12, 13, 9, 58, 41, 0, est), -5 * 3600},
		{"no seconds", "2022-12-13T09:58-05:00", time.Date(2022, 12, 13, 9, 58, 0, 0, est), -5 * 3600},
		{"no seconds, no zone", "2022-12-13T09:58", time.Date(2022, 12, 13, 9, 58, 0, 0, time.UTC), 0},
		{"date only", "2022-12-13", time.Date(2022, 12, 13, 0, 0, 0, 0, time.UTC), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := uctime.Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if !got.Equal(tc.want) {
				t.Errorf("Parse(%q) = %v, want the instant %v", tc.in, got, tc.want)
			}
			if _, off := got.Zone(); off != tc.wantOffset {
				t.Errorf("Parse(%q) offset %ds, want %ds", tc.in, off, tc.wantOffset)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{"", "garbage", "2022-13-45", "13/12/2022", "2022-12-13T25:00:00Z", "1670943521", "2022-12-13T09:58:41 EST"} {
		t.Run(in, func(t *testing.T) {
			if got, err := uctime.Parse(in); err == nil {
				t.Errorf("Parse(%q) = %v, want an error", in, got)
			}
		})
	}
}

func TestUnmarshal(t *testing.T) {
	for _, tc := range []struct {
		name, in   string
		valid      bool
		want       time.Time // instant, when valid
		wantJSON   string    // MarshalJSON afterwards ("": not checked)
		wantRaw    string
		wantString string
	}{
		{"RFC3339 keeps offset", `"2022-12-13T09:58:41-05:00"`, true, time.Date(2022, 12, 13, 9, 58, 41, 0, est),
			`"2022-12-13T09:58:41-05:00"`, "", "2022-12-13T09:58:41-05:00"},
		{"fractional seconds", `"2022-12-13T09:58:41.123-05:00"`, true, time.Date(2022, 12, 13, 9, 58, 41, 123000000, est),
			`"2022-12-13T09:58:41.123-05:00"`, "", "2022-12-13T09:58:41.123-05:00"},
		{"lenient, space separator", `"2022-12-13 09:58:41"`, true, time.Date(2022, 12, 13, 9, 58, 41, 0, time.UTC),
			`"2022-12-13T09:58:41Z"`, "", "2022-12-13T09:58:41Z"},
		// null leaves the zero value; what a bare zero Time encodes as is not
		// pinned here (the models use *uctime.Time, so null stays nil).
		{"null", `null`, true, time.Time{}, "", "", "0001-01-01T00:00:00Z"},
		{"unparsable string", `"garbage"`, false, time.Time{}, `"garbage"`, `"garbage"`, `"garbage"`},
		{"unparsable, escaped", `"13\/12\/2022 \u00e9"`, false, time.Time{}, `"13\/12\/2022 \u00e9"`, `"13\/12\/2022 \u00e9"`, `"13\/12\/2022 \u00e9"`},
		{"empty string", `""`, false, time.Time{}, `""`, `""`, `""`},
		{"number", `1670943521000`, false, time.Time{}, `1670943521000`, `1670943521000`, `1670943521000`},
		{"boolean", `true`, false, time.Time{}, `true`, `true`, `true`},
		{"object", `{"a":1}`, false, time.Time{}, `{"a":1}`, `{"a":1}`, `{"a":1}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v uctime.Time
			if err := v.UnmarshalJSON([]byte(tc.in)); err != nil {
				t.Fatalf("UnmarshalJSON(%s): %v", tc.in, err)
			}
			if v.Valid() != tc.valid {
				t.Errorf("Valid() = %v, want %v", v.Valid(), tc.valid)
			}
			if !v.Equal(tc.want) {
				t.Errorf("instant %v, want %v", v.Time, tc.want)
			}
			if v.Raw() != tc.wantRaw {
				t.Errorf("Raw() = %q, want %q", v.Raw(), tc.wantRaw)
			}
			if v.String() != tc.wantString {
				t.Errorf("String() = %q, want %q", v.String(), tc.wantString)
			}
			out, err := v.MarshalJSON()
			if err != nil {
				t.Fatalf("MarshalJSON: %v", err)
			}
			if tc.wantJSON != "" && string(out) != tc.wantJSON {
				t.Errorf("MarshalJSON = %s, want %s", out, tc.wantJSON)
			}
			// Through encoding/json, inside a struct, as the models use it.
			var s struct {
				At    *uctime.Time `json:"at,omitempty"`
				Other string       `json:"other"`
			}
			doc := `{"at":` + tc.in + `,"other":"kept"}`
			if err := json.Unmarshal([]byte(doc), &s); err != nil {
				t.Fatalf("json.Unmarshal(%s): %v", doc, err)
			}
			if s.Other != "kept" {
				t.Errorf("sibling field lost: %q", s.Other)
			}
			if tc.in == "null" {
				if s.At != nil {
					t.Errorf("null decoded as %v, want a nil pointer", s.At)
				}
				return
			}
			if s.At == nil || s.At.Valid() != tc.valid || !s.At.Equal(tc.want) {
				t.Errorf("in a struct: %#v", s.At)
			}
		})
	}
}

func TestUnmarshalResetsPreviousValue(t *testing.T) {
	var v uctime.Time
	if err := json.Unmarshal([]byte(`"garbage"`), &v); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(`"2022-12-13T09:58:41-05:00"`), &v); err != nil {
		t.Fatal(err)
	}
	if !v.Valid() || v.Raw() != "" || !v.Equal(time.Date(2022, 12, 13, 14, 58, 41, 0, time.UTC)) {
		t.Errorf("after garbage then a valid date-time: %#v", v)
	}
}

func TestMarshal(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   uctime.Time
		want string
	}{
		{"keeps the offset", uctime.New(time.Date(2022, 12, 13, 9, 58, 41, 0, est)), `"2022-12-13T09:58:41-05:00"`},
		{"nanoseconds", uctime.New(time.Date(2022, 12, 13, 9, 58, 41, 120000000, time.FixedZone("", 5*3600+1800))), `"2022-12-13T09:58:41.12+05:30"`},
		{"UTC", uctime.New(time.Date(2022, 12, 13, 9, 58, 41, 0, time.UTC)), `"2022-12-13T09:58:41Z"`},
		{"zero", uctime.Time{}, `"0001-01-01T00:00:00Z"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := json.Marshal(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.want {
				t.Errorf("Marshal = %s, want %s", out, tc.want)
			}
			if !tc.in.Valid() {
				t.Errorf("a Time set by the program is not Valid()")
			}
		})
	}
	// A parsed value keeps its offset through Unmarshal and Marshal.
	in := []byte(`{"at":"2022-12-13T09:58:41.5-05:00"}`)
	var s struct {
		At *uctime.Time `json:"at"`
	}
	if err := json.Unmarshal(in, &s); err != nil {
		t.Fatal(err)
	}
	if out, err := json.Marshal(s); err != nil || string(out) != string(in) {
		t.Errorf("round trip = %s (%v), want %s", out, err, in)
	}
	if p := uctime.Ptr(time.Date(2022, 12, 13, 9, 58, 41, 0, est)); p == nil || !p.Valid() || p.String() != "2022-12-13T09:58:41-05:00" {
		t.Errorf("Ptr = %v", p)
	}
}

func TestString(t *testing.T) {
	for _, tc := range []struct {
		in   uctime.Time
		want string
	}{
		{uctime.New(time.Date(2022, 12, 13, 9, 58, 41, 0, est)), "2022-12-13T09:58:41-05:00"},
		{uctime.New(time.Date(2022, 12, 13, 9, 58, 41, 123456789, time.UTC)), "2022-12-13T09:58:41.123456789Z"},
		{uctime.Time{}, "0001-01-01T00:00:00Z"},
	} {
		if got := tc.in.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}
