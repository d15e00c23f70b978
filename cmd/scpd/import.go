package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/scpd/scpd/cmd/scpd/internal/adminapi"
)

func (a *app) importCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE",
		Short: "Create tariffs, groups, accounts and subscribers from a YAML or JSON file, all or nothing",
		Long: `import reads a document with the lists tariffs, groups, accounts and
subscribers (each record as "scpd ... --json" prints it) and creates them in one
transaction: if any record is invalid or exists already, nothing is created
and the error names the record. "-" reads standard input. An account starts
with its opening balance alone: give the balance to carry over as opening,
and leave available, frozen, charged and recharged out (they are refused).`,
		Example: `  scpd import acme.yaml
  scpd import --db scpd-data/scpd.db migration.json`,
		Args: args("FILE"),
		RunE: func(c *cobra.Command, argv []string) error {
			var raw []byte
			var err error
			if argv[0] == "-" {
				raw, err = io.ReadAll(os.Stdin)
			} else {
				raw, err = os.ReadFile(argv[0])
			}
			if err != nil {
				return err
			}
			d, err := parseDataset(raw)
			if err != nil {
				return fmt.Errorf("%s: %w", argv[0], err)
			}
			b, err := a.open()
			if err != nil {
				return err
			}
			rep, err := b.Import(c.Context(), d)
			if err != nil {
				return err
			}
			return a.emit(rep, func(w io.Writer) {
				fmt.Fprintf(w, "created %d tariffs, %d groups, %d accounts, %d subscribers\n", rep.Tariffs, rep.Groups, rep.Accounts, rep.Subscribers)
			})
		},
	}
}

// parseDataset reads YAML or JSON into the dataset, with the field names
// of the JSON API; unknown fields are an error.
func parseDataset(raw []byte) (adminapi.Dataset, error) {
	var d adminapi.Dataset
	var generic any
	if err := yaml.Unmarshal(raw, &generic); err != nil { // YAML is a superset of JSON
		return d, err
	}
	js, err := json.Marshal(generic)
	if err != nil {
		return d, err
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		// Numbers (MSISDN, short number) are text: unquoted in YAML they
		// are read as numbers, and a leading 0 would be lost.
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			hint := ""
			if te.Value == "number" && te.Type.Kind() == reflect.String {
				hint = ` (quote it: "1001", or a leading 0 is lost)`
			}
			return d, fmt.Errorf("%s: want %s, not %s%s", te.Field, kindName(te.Type), valueName(te.Value), hint)
		}
		return d, err
	}
	return d, nil
}

// valueName names what encoding/json found (UnmarshalTypeError.Value) in
// the words the file's author used.
func valueName(v string) string {
	switch v {
	case "object":
		return "a mapping"
	case "array":
		return "a list"
	case "string":
		return "text"
	case "bool":
		return "true or false"
	}
	return "a " + v
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Slice:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	}
	return t.String()
}
