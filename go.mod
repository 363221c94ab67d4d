module github.com/summarykit/fullstory-go

go 1.25.0

require (
	github.com/google/go-querystring v1.2.0
	github.com/google/jsonschema-go v0.4.3
	github.com/stretchr/testify v1.12.1
	go.uber.org/goleak v1.3.0
	golang.org/x/time v0.14.0
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
