package spectext

import "testing"

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		"Null &#x3D; shared across the linked merchant group.":  "Null = shared across the linked merchant group.",
		"Agent&#39;s phone extension":                           "Agent's phone extension",
		"synthetic &#39;ai:&lt;user_id&gt;&#39; for AI":         "synthetic 'ai:<user_id>' for AI",
		"Tom &amp; Jerry, &quot;quoted&quot;, &#x60;code&#x60;": "Tom & Jerry, \"quoted\", `code`",
		"Day phone in E.164 format (derived â€” read only)":     "Day phone in E.164 format (derived — read only)",
		"plain text, 1 < 2 & 3 > 2":                             "plain text, 1 < 2 & 3 > 2",
		"":                                                      "",
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}
