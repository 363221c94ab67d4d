package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// outFile is where --out sends a report. For a regular file, or a new one,
// it is a temporary file next to it that replaces it only once the report is
// complete, so that a failed run leaves the file (or a link and its target)
// as it was. Any other file, such as /dev/stdout or a FIFO, is written to
// directly and never removed.
type outFile struct {
	*os.File
	target string // the file that commit replaces; "" when written directly
	done   bool
}

// createOut opens the report's file at the start of a run, so that a bad
// path fails before anything is spent. A new file is readable by its owner
// only, since summaries may name the user; a replaced one keeps its mode.
func createOut(name string) (*outFile, error) {
	fi, err := os.Stat(name)
	if err == nil && !fi.Mode().IsRegular() {
		f, err := os.OpenFile(name, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		return &outFile{File: f}, nil
	}
	f, err := os.CreateTemp(filepath.Dir(name), ".fullstory-try-*")
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return nil, &fs.PathError{Op: "create", Path: name, Err: pe.Err} // the cause, without the temporary name
	}
	if err != nil {
		return nil, err
	}
	if fi != nil {
		if err := f.Chmod(fi.Mode().Perm()); err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, err
		}
	}
	return &outFile{File: f, target: name}, nil
}

// commit closes the file and puts the report in place.
func (o *outFile) commit() error {
	o.done = true
	err := o.Close()
	if o.target == "" {
		return err
	}
	if err == nil {
		err = os.Rename(o.Name(), o.target)
	}
	if err != nil {
		os.Remove(o.Name())
	}
	return err
}

// discard closes the file and removes it if it is a temporary one, unless
// commit ran.
func (o *outFile) discard() {
	if o.done {
		return
	}
	o.done = true
	o.Close()
	if o.target != "" {
		os.Remove(o.Name())
	}
}
