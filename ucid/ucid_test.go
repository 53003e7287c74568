package ucid_test

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/ultracart-community/ultracart-go/ucid"
)

func TestUserIDString(t *testing.T) {
	for _, c := range []struct {
		id   ucid.UserID
		want string
	}{{1001, "1001"}, {0, "0"}, {math.MaxInt32, "2147483647"}, {-7, "-7"}} {
		if got := c.id.String(); got != c.want {
			t.Errorf("UserID(%d).String() = %q, want %q", int32(c.id), got, c.want)
		}
		if got := fmt.Sprint(c.id); got != c.want {
			t.Errorf("fmt.Sprint(UserID(%d)) = %q, want %q", int32(c.id), got, c.want)
		}
	}
}

func TestParseUserID(t *testing.T) {
	for _, c := range []struct {
		in   string
		want ucid.UserID
	}{{"1001", 1001}, {"2147483647", math.MaxInt32}, {"-1", -1}, {"+5", 5}} {
		got, err := ucid.ParseUserID(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseUserID(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"", " 1", "1 ", "0x10", "1e3", "2147483648", "ai:12", "null"} {
		if got, err := ucid.ParseUserID(in); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%q", in)) {
			t.Errorf("ParseUserID(%q) = %d, %v; want an error quoting it", in, got, err)
		}
	}
}

// TestUserIDWire: a UserID field is a JSON number both ways, as the
// schemas declare; a quoted number is refused like any int32 field's.
func TestUserIDWire(t *testing.T) {
	var v struct {
		ID    *ucid.UserID  `json:"user_id,omitempty"`
		Users []ucid.UserID `json:"users,omitzero"`
	}
	if err := json.Unmarshal([]byte(`{"user_id":1001,"users":[1,2147483647]}`), &v); err != nil {
		t.Fatal(err)
	}
	if *v.ID != 1001 || len(v.Users) != 2 || v.Users[1] != math.MaxInt32 {
		t.Errorf("decoded %+v", v)
	}
	b, err := json.Marshal(v)
	if err != nil || string(b) != `{"user_id":1001,"users":[1,2147483647]}` {
		t.Errorf("encoded %s, %v", b, err)
	}
	if err := json.Unmarshal([]byte(`{"user_id":"1001"}`), &v); err == nil {
		t.Error(`"1001" decoded into a number field`)
	}
	if err := json.Unmarshal([]byte(`{"user_id":2147483648}`), &v); err == nil {
		t.Error("2147483648 decoded into an int32")
	}
}
