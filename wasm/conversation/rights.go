//go:build js && wasm

package conversation

import (
	"syscall/js"

	"github.com/crumbless/crumbless/wasm/views"
)

var _ views.DataRights = (*Remote)(nil)

// Token implements views.DataRights.
func (r *Remote) Token() string { return r.client.Token() }

// ExportServer implements views.DataRights with GET /conversation/export;
// a token the server no longer knows has nothing to export (null).
func (r *Remote) ExportServer() (js.Value, error) {
	if r.client.Token() == "" {
		return js.Null(), nil
	}
	res, err := r.client.Do("GET", "/api/v1/conversation/export", js.Undefined())
	if err != nil {
		return js.Null(), err
	}
	if res.Status == 401 {
		return js.Null(), nil
	}
	if res.Status != 200 {
		return js.Null(), apiError("export", res)
	}
	return res.Body, nil
}

// EraseServer implements views.DataRights with DELETE /conversation; the
// token goes with it (the caller then forgets the rest). A token the
// server no longer knows (401) is a conversation gone already.
func (r *Remote) EraseServer() error {
	r.net.Lock()
	defer r.net.Unlock()
	if r.client.Token() == "" {
		return nil
	}
	res, err := r.client.Do("DELETE", "/api/v1/conversation", js.Undefined())
	if err != nil {
		return err
	}
	if res.Status != 204 && res.Status != 401 {
		return apiError("erase", res)
	}
	r.client.SetToken("")
	r.store.Remove(tokenKey)
	return nil
}
