package webhook

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/crumbless/crumbless/server/storage"
)

// Config configures a Deliverer; the zero value of every field but Store
// takes the default given with it.
type Config struct {
	// Store holds the outbox.
	Store Store
	// Client sends the requests. Nil: a client that follows no redirect
	// (a 3xx answer is a failure) and gives up after Timeout.
	Client *http.Client
	// Logger receives a line per failed attempt. Nil: nothing is logged.
	Logger *slog.Logger
	// Timeout bounds one attempt, answer included (10 s).
	Timeout time.Duration
	// Workers is how many requests may be in flight at once (4).
	Workers int
	// Poll is how often the outbox is read for deliveries this process
	// did not queue itself: retries that came due, other instances'
	// events (1 s). Its own are sent at once.
	Poll time.Duration
	// Retry is how long a failed delivery is retried after its event
	// happened (24 h).
	Retry time.Duration
	// Now is the clock (time.Now).
	Now func() time.Time
}

// Deliverer sends the outbox's deliveries until Close.
type Deliverer struct {
	cfg    Config
	slots  chan struct{} // one per request in flight
	cancel context.CancelFunc
	done   sync.WaitGroup
}

// Start starts delivering from cfg.Store.
func Start(cfg Config) *Deliverer {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.Retry <= 0 {
		cfg.Retry = 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{
			Timeout:       cfg.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &Deliverer{cfg: cfg, slots: make(chan struct{}, cfg.Workers), cancel: cancel}
	d.done.Add(1)
	go d.run(ctx)
	return d
}

// Close stops claiming, cancels the requests in flight (their deliveries
// are due again at once, with the same webhook-id) and waits for the
// goroutines to end.
func (d *Deliverer) Close() {
	d.cancel()
	d.done.Wait()
}

// lease is how long a claimed delivery stays with this process: longer
// than an attempt and the write of its result. A process that dies holding
// one leaves it to be claimed again when it ends.
func (d *Deliverer) lease() time.Duration { return d.cfg.Timeout + 20*time.Second }

// run claims due deliveries whenever a request slot is free and hands each
// to a goroutine of its own.
func (d *Deliverer) run(ctx context.Context) {
	defer d.done.Done()
	tick := time.NewTicker(d.cfg.Poll)
	defer tick.Stop()
	for {
		select { // a slot first: never claim what cannot go out now
		case d.slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		free := 1
		for free < d.cfg.Workers {
			select {
			case d.slots <- struct{}{}:
				free++
				continue
			default:
			}
			break
		}
		list, err := d.cfg.Store.ClaimDeliveries(ctx, d.cfg.Now().UnixMilli(), d.lease(), free)
		if err != nil && ctx.Err() == nil {
			d.cfg.Logger.Warn("webhook outbox", "err", err)
		}
		for _, dv := range list {
			d.done.Add(1)
			go func() {
				defer func() { <-d.slots; d.done.Done() }()
				d.deliver(ctx, dv)
			}()
		}
		for range free - len(list) {
			<-d.slots
		}
		if len(list) == free { // there may be more due: claim again at once
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-d.cfg.Store.WebhookQueued():
		case <-tick.C:
		}
	}
}

// deliver makes one attempt and records it.
func (d *Deliverer) deliver(ctx context.Context, dv storage.Delivery) {
	if dv.URL == "" { // the endpoint was removed after the claim, its deliveries with it
		return
	}
	start := d.cfg.Now()
	a := storage.WebhookAttempt{MsgID: dv.MsgID, Type: dv.Type, Attempt: dv.Attempt, At: start.UnixMilli()}
	body, err := payload(ctx, d.cfg.Store, dv)
	switch {
	case errors.Is(err, storage.ErrNotFound): // erased since: nothing to send
		a.Outcome = storage.OutcomeDropped
		d.finish(dv, a, 0)
		return
	case err != nil:
		a.Error = short(err.Error())
	default:
		a.Status, err = d.post(ctx, dv, body, start)
		if err != nil {
			a.Error = short(err.Error())
		}
	}
	a.LatencyMS = d.cfg.Now().Sub(start).Milliseconds()
	if a.Error == "" && a.Status >= 200 && a.Status < 300 {
		a.Outcome = storage.OutcomeDelivered
		d.finish(dv, a, 0)
		return
	}
	if ctx.Err() != nil { // Close: due again at once
		a.Outcome, a.Error = storage.OutcomeRetry, "shut down"
		d.finish(dv, a, start.UnixMilli())
		return
	}
	if a.Error == "" {
		a.Error = "HTTP " + strconv.Itoa(a.Status)
	}
	next := start.Add(RetryDelay(dv.Attempt, rand.Float64()))
	if next.Sub(time.UnixMilli(dv.Created)) > d.cfg.Retry {
		a.Outcome = storage.OutcomeFailed
		d.cfg.Logger.Warn("webhook failed", "endpoint", dv.EndpointID, "id", dv.MsgID, "type", dv.Type, "attempt", dv.Attempt, "err", a.Error)
		d.finish(dv, a, 0)
		return
	}
	a.Outcome = storage.OutcomeRetry
	d.cfg.Logger.Info("webhook retry", "endpoint", dv.EndpointID, "id", dv.MsgID, "type", dv.Type, "attempt", dv.Attempt, "err", a.Error, "next", next.UTC().Format(time.RFC3339))
	d.finish(dv, a, next.UnixMilli())
}

// post sends body to the endpoint and returns the answer's status.
func (d *Deliverer) post(ctx context.Context, dv storage.Delivery, body []byte, now time.Time) (int, error) {
	ts := now.Unix()
	sig, err := Sign(dv.Secret, dv.MsgID, ts, body)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, d.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, dv.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Crumbless-Webhooks")
	req.Header.Set("webhook-id", dv.MsgID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	res, err := d.cfg.Client.Do(req)
	if err != nil {
		var ue *url.Error
		switch {
		case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ue) && ue.Timeout()):
			err = errors.New("no answer within " + d.cfg.Timeout.String())
		case errors.As(err, &ue): // without the method and URL, known already
			err = ue.Err
		}
		return 0, err
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10)) // lets the connection be reused
	return res.StatusCode, nil
}

// finish records an attempt, under a deadline of its own: it also runs
// when Close has cancelled the requests.
func (d *Deliverer) finish(dv storage.Delivery, a storage.WebhookAttempt, retryAt int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.cfg.Store.FinishDelivery(ctx, dv, a, retryAt); err != nil {
		// The lease ends and the delivery goes out again, same id.
		d.cfg.Logger.Warn("webhook outbox", "id", dv.MsgID, "err", err)
	}
}

// short cuts an error message for the log.
func short(s string) string {
	if len(s) > 200 {
		return s[:200]
	}
	return s
}

// RetryDelay is the wait after failed attempt n (from 1): 5 s doubled for
// each attempt before, at most 1 h, times a jitter factor between 0.8 and
// 1.2 picked by r in [0, 1), so that endpoints that failed together are
// not retried together.
func RetryDelay(n int, r float64) time.Duration {
	d := time.Hour
	if n < 11 { // 5 s × 2^10 > 1 h
		d = min(5*time.Second<<max(n-1, 0), time.Hour)
	}
	return time.Duration(float64(d) * (0.8 + 0.4*r))
}
