package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
)

// cleanupTimeout bounds each call that deletes (or looks for) a temporary
// profile after the run, which may have been interrupted.
const cleanupTimeout = 10 * time.Second

// tempProfiles creates the profiles of one run and deletes them after it.
type tempProfiles struct {
	c      *fullstory.Client
	tag    string // ends every name, to find a profile whose create was cut short
	ids    []fullstory.ProfileID
	unsure bool // a create ended without an answer: its profile may exist

	deleted, left int // what cleanup did
}

func (t *tempProfiles) create(ctx context.Context, req *fullstory.ProfileRequest) (fullstory.ProfileID, error) {
	r := *req
	r.Name = strings.TrimSpace(r.Name + " " + t.tag)
	id, err := t.c.Profiles.Create(ctx, &r)
	if err != nil {
		var apiErr *fullstory.APIError
		t.unsure = t.unsure || !(errors.As(err, &apiErr) || errors.Is(err, fullstory.ErrInvalidArgument))
		return "", err
	}
	t.ids = append(t.ids, id)
	return id, nil
}

// cleanup deletes the profiles with contexts of their own, so that it works
// after Ctrl-C too, one timeout each, so that a slow delete does not hold up
// the others. The next interrupt stops it at once: ctx's end if it comes
// during the cleanup, else abort (a second Ctrl-C). It says on stderr how to
// delete the profiles it leaves.
func (t *tempProfiles) cleanup(ctx context.Context, abort <-chan struct{}, stderr io.Writer) error {
	var interrupt <-chan struct{}
	if ctx.Err() == nil {
		interrupt = ctx.Done()
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	go func() {
		select {
		case <-abort:
		case <-interrupt:
		case <-ctx.Done():
		}
		cancel()
	}()
	ids := t.ids
	if t.unsure {
		ids = append(ids, t.find(ctx, stderr)...)
	}
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(ctx, cleanupTimeout)
			defer cancel()
			errs[i] = t.c.Profiles.Delete(ctx, id)
		}()
	}
	wg.Wait()
	var first error
	for i, err := range errs {
		if err == nil || errors.Is(err, fullstory.ErrNotFound) {
			t.deleted++
			continue
		}
		t.left++
		if ctx.Err() != nil {
			err = errors.New("interrupted")
		}
		fmt.Fprintf(stderr, "fullstory profiles try: could not delete a temporary profile (%s); run: fullstory profiles delete %s\n", errText(err), ids[i])
		first = cmp.Or(first, err)
	}
	return first
}

// find returns the run's profiles that a create cut short left behind: the
// ones whose names end in the run's tag.
func (t *tempProfiles) find(ctx context.Context, stderr io.Writer) []fullstory.ProfileID {
	ctx, cancel := context.WithTimeout(ctx, cleanupTimeout)
	defer cancel()
	var found []fullstory.ProfileID
	for p, err := range t.c.Profiles.All(ctx, nil) {
		if err != nil {
			fmt.Fprintf(stderr, "fullstory profiles try: could not look for a temporary profile named %q: %s\n", "... "+t.tag, errText(err))
			break
		}
		if strings.HasSuffix(p.Name, t.tag) && !slices.Contains(t.ids, p.ID) {
			found = append(found, p.ID)
		}
	}
	return found
}

// said says what cleanup did, for the message after Ctrl-C.
func (t *tempProfiles) said() string {
	switch {
	case t.left == 0 && t.deleted == 1:
		return "deleted the temporary profile"
	case t.left == 0:
		return fmt.Sprintf("deleted the %d temporary profiles", t.deleted)
	}
	return fmt.Sprintf("deleted %d of the %s (the lines above say how to delete the others)", t.deleted, count(t.deleted+t.left, "temporary profile"))
}
