package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// The boundary: every request the server receives goes through it. A panic
// becomes an error (for a tool call, an error result the model reads) and
// the server keeps serving: the SDK recovers nothing, and one panic would
// otherwise end the process and the host's session with it. Every result and
// error leaves without the Secrets. Each tool call is logged: its name, how
// long it took and whether it failed, never its arguments (emails, uids).

// internalError is what the model reads after a panic: nothing of the panic
// itself, which could hold anything.
const internalError = "internal error in the fullstory MCP server; the call did not complete, and the server is still running"

func (s *server) boundary(next mcp.MethodHandler) mcp.MethodHandler {
	secrets := secretPatterns(s.opts.Secrets)
	return func(ctx context.Context, method string, req mcp.Request) (res mcp.Result, err error) {
		tool := ""
		if ct, ok := req.(*mcp.CallToolRequest); ok && ct.Params != nil {
			tool = ct.Params.Name
		}
		start := time.Now()
		defer func() {
			if p := recover(); p != nil {
				s.log("panic", "method", method, "tool", tool, "panic", redact(secrets, fmt.Sprint(p)), "stack", redact(secrets, string(debug.Stack())))
				if tool != "" {
					res, err = &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: internalError}}}, nil
				} else {
					res, err = nil, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: internalError}
				}
			}
			s.explainSchemaError(tool, res)
			res, err = redactResult(secrets, res), redactError(secrets, err)
			if tool != "" {
				failed := err != nil
				if r, ok := res.(*mcp.CallToolResult); ok && r != nil && r.IsError {
					failed = true
				}
				s.log("tool call", "tool", tool, "duration", time.Since(start).Round(time.Millisecond), "failed", failed)
			}
		}()
		return next(ctx, method, req)
	}
}

// explainSchemaError makes the SDK's refusal of arguments that do not fit
// the input schema read like the tools' own errors, and names the
// arguments the tool takes.
func (s *server) explainSchemaError(tool string, res mcp.Result) {
	r, ok := res.(*mcp.CallToolResult)
	if !ok || r == nil || !r.IsError || len(r.Content) != 1 {
		return
	}
	t, ok := r.Content[0].(*mcp.TextContent)
	if !ok {
		return
	}
	rest, ok := strings.CutPrefix(t.Text, `validating "arguments": `)
	if !ok {
		return
	}
	rest = strings.TrimPrefix(rest, "validating root: ")
	t.Text = "invalid arguments: " + rest + "; " + tool + " takes " + strings.Join(s.args[tool], ", ") + " (see its input schema)"
}

func (s *server) log(msg string, args ...any) {
	if s.opts.Logger != nil {
		s.opts.Logger.Info("fullstory mcp: "+msg, args...)
	}
}

// secretPatterns matches each secret as written, in any letter case (a
// server may lowercase what it echoes), and query-escaped.
func secretPatterns(secrets []string) []*regexp.Regexp {
	var out []*regexp.Regexp
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		out = append(out, regexp.MustCompile("(?i)"+regexp.QuoteMeta(sec)))
		if esc := url.QueryEscape(sec); esc != sec {
			out = append(out, regexp.MustCompile("(?i)"+regexp.QuoteMeta(esc)))
		}
	}
	return out
}

const redacted = "[redacted]"

func redact(secrets []*regexp.Regexp, s string) string {
	for _, re := range secrets {
		s = re.ReplaceAllLiteralString(s, redacted)
	}
	return s
}

// redactResult takes the secrets out of a tool result's text and structured
// content. Other results (lists, the handshake) hold nothing from the API.
func redactResult(secrets []*regexp.Regexp, res mcp.Result) mcp.Result {
	r, ok := res.(*mcp.CallToolResult)
	if !ok || r == nil || len(secrets) == 0 {
		return res
	}
	for _, c := range r.Content {
		if t, ok := c.(*mcp.TextContent); ok {
			t.Text = redact(secrets, t.Text)
		}
	}
	if r.StructuredContent != nil {
		clean, err := redactJSON(secrets, r.StructuredContent)
		if err != nil {
			// Not what a typed tool makes: send nothing rather than
			// something unchecked.
			return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: internalError}}}
		}
		if clean != nil {
			r.StructuredContent = clean
		}
	}
	return r
}

// redactJSON returns v's JSON with the secrets taken out, or nil if it
// holds none. The strings are cleaned decoded, so that a secret the JSON
// escapes is found too.
func redactJSON(secrets []*regexp.Regexp, v any) (json.RawMessage, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var decoded any
	if err := dec.Decode(&decoded); err != nil {
		return nil, err
	}
	clean, changed := redactValue(secrets, decoded)
	if !changed {
		return nil, nil
	}
	return json.Marshal(clean)
}

// redactValue returns v, a decoded JSON value, with the secrets taken out
// of its strings and keys, and whether anything changed.
func redactValue(secrets []*regexp.Regexp, v any) (any, bool) {
	switch v := v.(type) {
	case string:
		clean := redact(secrets, v)
		return clean, clean != v
	case []any:
		changed := false
		for i, e := range v {
			var c bool
			v[i], c = redactValue(secrets, e)
			changed = changed || c
		}
		return v, changed
	case map[string]any:
		changed := false
		out := make(map[string]any, len(v))
		for k, e := range v {
			ce, c := redactValue(secrets, e)
			ck := redact(secrets, k)
			out[ck] = ce
			changed = changed || c || ck != k
		}
		return out, changed
	}
	return v, false
}

// redactError takes the secrets out of a protocol error.
func redactError(secrets []*regexp.Regexp, err error) error {
	if err == nil || len(secrets) == 0 {
		return err
	}
	msg := err.Error()
	clean := redact(secrets, msg)
	if clean == msg {
		return err
	}
	var wire *jsonrpc.Error
	if errors.As(err, &wire) {
		return &jsonrpc.Error{Code: wire.Code, Message: redact(secrets, wire.Message)}
	}
	return errors.New(clean)
}
