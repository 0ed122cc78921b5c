package server_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"testing/fstest"

	"github.com/crumbless/crumbless/server"
)

// A Go program can run the whole server behind its own http.Server (here an
// httptest one): New opens the store in Data and loads the widget's files,
// Handler serves them with the chat API. Files would usually be a
// distribution, os.DirFS("crumbless-0.1.0"); nil serves what make build
// embedded.
func ExampleNew() {
	data, err := os.MkdirTemp("", "crumbless-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(data)
	files := fstest.MapFS{
		"manifest.json": {Data: []byte(`{"version":"1.2.3","files":[{"name":"crumbless.js","path":"crumbless.js"}]}`)},
		"crumbless.js":  {Data: []byte("loader()")},
	}
	s, err := server.New(context.Background(), server.Config{Data: data, Files: files})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()

	res, err := http.Get(ts.URL + "/healthz?detail")
	if err != nil {
		log.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	fmt.Println(res.StatusCode, string(body))
	// Output: 200 {"status":"ok","version":"1.2.3"}
}
