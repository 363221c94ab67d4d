package shared

// ClonePtr returns a pointer to a copy of *p, or nil when p is nil.
func ClonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
