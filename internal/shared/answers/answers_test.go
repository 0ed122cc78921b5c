package answers

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFold(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Café", "cafe"},
		{"  CRÈME brûlée!! ", "creme brulee"},
		{"Straße", "strasse"},
		{"Œuvre Ægis", "oeuvre aegis"},
		{"e\u0301te\u0301", "ete"}, // decomposed é
		{"Zürich, Łódź & Ørsted", "zurich lodz orsted"},
		{"return-policy_v2", "return policy v2"},
		{"", ""},
		{"¿¡…", ""},
		{"日本語 テスト", "日本語 テスト"},
		{"إرجاع", "ارجاع"},         // alef with hamza below
		{"أسئلة", "اسئله"},         // alef with hamza above; taa marbuta
		{"مُسْتَشْفَى", "مستشفي"},  // tashkeel dropped, alef maqsura
		{"شـــحن", "شحن"},          // tatweel
		{"آمن ٱلدفع", "امن الدفع"}, // madda, wasla
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			assert.Equal(t, c.want, Fold(c.in))
		})
	}
}

func TestFoldTableAligned(t *testing.T) {
	assert.Equal(t, len([]rune(foldFrom)), len([]rune(foldTo)))
	seen := map[rune]bool{}
	for _, r := range foldFrom {
		assert.False(t, seen[r], "%q listed twice", r)
		seen[r] = true
		assert.True(t, r >= 0xe0 && r <= 0x17e, "%q is outside the range unaccent looks at", r)
	}
}

var sample = Content{Articles: []Article{
	{ID: "returns", Title: "Returns and refunds", Headings: []string{"Shipping a return"}, Body: "Send the parcel back within 30 days."},
	{ID: "shipping", Title: "Shipping times", Headings: []string{"Express"}, Body: "Orders leave the warehouse within a day."},
	{ID: "payment", Title: "Paying", Headings: []string{"Cards", "Invoices"}, Body: "We accept cards. Shipping is paid at checkout."},
	{ID: "cafe", Title: "Le café", Headings: []string{"Crème"}, Body: "Notre crème brûlée est célèbre."},
}}

func ids(rs []Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Article.ID
	}
	return out
}

func TestSearchRanking(t *testing.T) {
	cases := []struct {
		name, query string
		want        []string
	}{
		{"title beats heading beats body", "shipping", []string{"shipping", "returns", "payment"}},
		{"case and accents ignored both ways", "CAFE", []string{"cafe"}},
		{"accented query finds plain text", "pàying", []string{"payment"}},
		{"plain query finds accented body", "celebre", []string{"cafe"}},
		{"every word must match", "shipping express", []string{"shipping"}},
		{"words in any order and place", "day orders", []string{"shipping"}},
		{"substring of a word matches", "refund", []string{"returns"}},
		{"punctuation is ignored", "  crème,   brûlée!", []string{"cafe"}},
		{"no match", "giraffe", nil},
		{"empty query", "   ", nil},
		{"only punctuation", "?!", nil},
		{"repeated word counts once", "cards cards", []string{"payment"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := sample.Search(c.query)
			if c.want == nil {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, c.want, ids(got))
			for i := 1; i < len(got); i++ {
				assert.GreaterOrEqual(t, got[i-1].Score, got[i].Score, "sorted by score")
			}
		})
	}
}

func TestSearchScoresAndTies(t *testing.T) {
	got := sample.Search("shipping")
	require.Len(t, got, 3)
	assert.Equal(t, []int{weightTitle, weightHeading, weightBody}, []int{got[0].Score, got[1].Score, got[2].Score})

	tie := Content{Articles: []Article{
		{ID: "b", Title: "Help B"},
		{ID: "a", Title: "Help A"},
	}}
	assert.Equal(t, []string{"b", "a"}, ids(tie.Search("help")), "ties keep content order")
}

func TestSearchLimits(t *testing.T) {
	c := Content{Articles: []Article{{ID: "x", Title: "a b c d e f g h"}}}
	// Nine words, the ninth missing: only the first MaxTerms count.
	assert.Len(t, c.Search("a b c d e f g h zzz"), 1)
	long := make([]byte, 0, 400)
	for i := 0; i < 200; i++ {
		long = append(long, 'a', ' ')
	}
	assert.Len(t, c.Search(string(long)+"zzz"), 1, "text past MaxQueryLength is cut")
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name    string
		content Content
		err     string
	}{
		{"sample is valid", sample, ""},
		{"empty is valid", Content{}, ""},
		{"missing id", Content{Articles: []Article{{Title: "x"}}}, `article 0: id ""`},
		{"bad id", Content{Articles: []Article{{ID: "Has Space", Title: "x"}}}, `id "Has Space"`},
		{"duplicate id", Content{Articles: []Article{{ID: "a", Title: "x"}, {ID: "a", Title: "y"}}}, `"a" is used twice`},
		{"no title", Content{Articles: []Article{{ID: "a", Title: "  "}}}, `"a" has no title`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.content.Validate()
			if c.err == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.err)
		})
	}
}

func TestFind(t *testing.T) {
	a, ok := sample.Find("payment")
	require.True(t, ok)
	assert.Equal(t, "Paying", a.Title)
	_, ok = sample.Find("nope")
	assert.False(t, ok)
}

func TestSnippet(t *testing.T) {
	body := "Lorem ipsum dolor sit amet, the crème brûlée is served cold, consectetur adipiscing elit."
	cases := []struct {
		name, query string
		max         int
		want        string
	}{
		{"short body untouched", "x", 500, body},
		{"around accent-folded match", "creme", 20, "… the crème brûlée is…"},
		{"from the start without match", "zzz", 11, "Lorem ipsum…"},
		{"match near the end", "elit", 12, "…iscing elit."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, Snippet(body, c.query, c.max))
		})
	}
}
