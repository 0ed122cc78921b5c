//go:build js && wasm

package api

import (
	"strconv"
	"syscall/js"
)

// Command is one entry of the command table.
type Command struct {
	// Args checks the arguments after the command name, one Arg each, in
	// order; a call with more or fewer arguments than Args is refused.
	Args []Arg
	// Run performs the command. It returns the value crumbless() returns
	// (a Promise for queries, nil otherwise) or an error, which is logged as
	// one console.warn naming the command; Run must then have changed nothing.
	Run func(a *API, args []js.Value) (any, error)
}

// Arg checks one argument.
type Arg struct {
	Want string              // what is expected, for the warning: `"light", "dark" or "auto"`
	OK   func(js.Value) bool // reports whether the argument is acceptable
}

// commands is the table crumbless(name, ...) dispatches through. Files of
// this package fill it from init with register.
var commands = map[string]Command{}

// register adds a command to the table. Registering a name twice is a
// programming error.
func register(name string, c Command) {
	if _, dup := commands[name]; dup {
		panic("crumbless: api: command " + name + " registered twice")
	}
	commands[name] = c
}

// check returns "" when args fit c.Args, or what is wrong with them.
func (c Command) check(args []js.Value) string {
	if len(args) > len(c.Args) {
		return "expected " + plural(len(c.Args)) + ", got " + strconv.Itoa(len(args))
	}
	for i, want := range c.Args {
		got := "nothing"
		if i < len(args) {
			if want.OK(args[i]) {
				continue
			}
			got = describe(args[i])
		}
		return "argument " + strconv.Itoa(i+1) + " must be " + want.Want + " (got " + got + ")"
	}
	return ""
}

// Argument checks shared by commands.
var (
	AnyString = Arg{"a string", func(v js.Value) bool { return v.Type() == js.TypeString }}
	Boolean   = Arg{"true or false", func(v js.Value) bool { return v.Type() == js.TypeBoolean }}
	Function  = Arg{"a function", func(v js.Value) bool { return v.Type() == js.TypeFunction }}
)

// OneOf accepts exactly one of the given strings.
func OneOf(values ...string) Arg {
	want := ""
	for i, v := range values {
		switch {
		case i == 0:
		case i == len(values)-1:
			want += " or "
		default:
			want += ", "
		}
		want += jsQuote(v)
	}
	return Arg{want, func(v js.Value) bool {
		if v.Type() != js.TypeString {
			return false
		}
		s := v.String()
		for _, ok := range values {
			if s == ok {
				return true
			}
		}
		return false
	}}
}

// describe renders a JS value briefly for a warning.
func describe(v js.Value) string {
	switch v.Type() {
	case js.TypeString:
		return quote(v.String())
	case js.TypeNumber:
		return js.Global().Call("String", v).String()
	case js.TypeBoolean:
		return strconv.FormatBool(v.Bool())
	case js.TypeNull:
		return "null"
	default:
		return v.Type().String()
	}
}

// quote quotes s, shortened to 40 bytes so that a warning stays one line.
func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return jsQuote(s)
}

// jsQuote quotes s as the page would read it (JSON.stringify): the browser
// does it, so strconv's quoting tables stay out of the wasm.
func jsQuote(s string) string {
	return js.Global().Get("JSON").Call("stringify", s).String()
}

func plural(n int) string {
	switch n {
	case 0:
		return "no arguments"
	case 1:
		return "1 argument"
	}
	return strconv.Itoa(n) + " arguments"
}
