package conversationtest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// The generic store over the wire: what inserts and updates accept, keep
// and drop, as the package documentation says.
func TestStoreSemantics(t *testing.T) {
	srv, _, _ := setup(t)
	api := srv.URL + "/conversation"
	call := func(method, path, body string) (int, map[string]any) {
		t.Helper()
		resp, b := rawRequest(t, method, api+path, srv.Key, body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return resp.StatusCode, m
	}

	// An insert ignores the identifier sent and fills in merchant_id (what
	// the schema does not name is refused: unknown_test.go).
	st, m := call("POST", "/pbx/address", `{"conversation_pbx_address_uuid":"mine","friendly_name":"HQ"}`)
	addr, _ := m["address"].(map[string]any)
	id, _ := addr["conversation_pbx_address_uuid"].(string)
	if st != 200 || id == "mine" || id == "" || addr["merchant_id"] != "DEMO" {
		t.Fatalf("insert: %d %v", st, m)
	}
	// An update naming another object is refused; one naming this one, or
	// none, replaces the whole object.
	if st, _ := call("PUT", "/pbx/address/"+id, `{"conversation_pbx_address_uuid":"other","friendly_name":"HQ"}`); st != 400 {
		t.Errorf("update with another uuid: %d", st)
	}
	if st, m := call("PUT", "/pbx/address/"+id, `{"street":"1 Main St"}`); st != 200 || m["address"].(map[string]any)["friendly_name"] != nil {
		t.Errorf("update did not replace: %d %v", st, m)
	}
	// Required and documented checks.
	for _, tc := range []struct{ method, path, body string }{
		{"POST", "/canned_messages", `{"short_code":"  "}`},
		{"POST", "/agent/profiles/1001/mcps", `{"url":"http://mcp.example.com"}`},
		{"POST", "/agent/profiles/1001/mcps", `{"priority":1}`},
		{"PUT", "/departments/1", `{"department_name":"x"}`},
	} {
		resp, body := rawRequest(t, tc.method, api+tc.path, srv.Key, tc.body)
		checkError(t, resp, body, 400)
	}
	// A parent that does not exist is named in object_id.
	resp, body := rawRequest(t, "GET", api+"/agent/profiles/4242/mcps", srv.Key, "")
	if er := checkError(t, resp, body, 400); deref(er.Error.ObjectID) != "4242" {
		t.Errorf("object_id = %q", deref(er.Error.ObjectID))
	}
	// The service's own numbers survive an update that leaves them out.
	if st, m := call("PUT", "/virtualagent/budget", `{"budget_daily":1234567.89}`); st != 200 || m["budget"].(map[string]any)["used_daily"] == nil {
		t.Errorf("budget update: %d %v", st, m)
	}
	if !strings.Contains(string(mustBody(t, srv.URL+"/conversation/virtualagent/budget", srv.Key)), "1234567.89") {
		t.Error("budget_daily lost precision")
	}
}

func mustBody(t *testing.T, url, key string) []byte {
	t.Helper()
	resp, body := rawRequest(t, "GET", url, key, "")
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
	}
	return body
}

// What other languages' SDKs send is accepted: PHP's 1/0 query booleans and
// the API version header; what would break them is refused.
func TestWireCompatibility(t *testing.T) {
	srv, _, _ := setup(t)
	api := srv.URL + "/conversation"
	req, _ := http.NewRequest("GET", api+"/pbx/phone_number/search?country=US&sms_enabled=0&voice_enabled=1&limit=5", nil)
	req.Header.Set("x-ultracart-simple-key", srv.Key)
	req.Header.Set("X-UltraCart-Api-Version", "2017-03-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Numbers []struct{ Sms bool } `json:"available_phone_numbers"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(body.Numbers) != 5 || body.Numbers[0].Sms {
		t.Errorf("PHP booleans: %d %+v", resp.StatusCode, body)
	}
	for name, tc := range map[string]struct{ method, path, body string }{
		"over maxLength":         {"POST", "/pbx/address", `{"country_code":"USA"}`},
		"date-time not RFC 3339": {"POST", "/conversations/search", `{"date_start":"last tuesday"}`},
		"enum":                   {"POST", "/pbx/queue", `{"say_voice":"robot"}`},
		"boolean":                {"GET", "/pbx/phone_number/search?country=US&sms_enabled=maybe", ""},
	} {
		resp, b := rawRequest(t, tc.method, api+tc.path, srv.Key, tc.body)
		if resp.StatusCode != 400 {
			t.Errorf("%s: %d %s", name, resp.StatusCode, b)
		}
	}
}
