using System.Globalization;
using ElectronicLicense.Licenses.Errors;
using NJsonSchema.Validation;

namespace ElectronicLicense.Licenses.Catalog;

/// <summary>Turns NJsonSchema's validation errors into field errors a department's developer can act on.</summary>
/// <remarks>
/// NJsonSchema reports paths as <c>#/a.b[0].c</c>, counted from the root of the whole token tree (so a validated
/// sub-object's own path comes first and is stripped here). The catalog loader forbids '.', '[' and ']' in property
/// names, so splitting that form is unambiguous. Messages are written here, not taken from the library.
/// </remarks>
internal static class SchemaErrorTranslator
{
    /// <param name="errors">The validator's errors.</param>
    /// <param name="basePointer">JSON pointer of the validated value in the request body.</param>
    /// <param name="tokenPath">Newtonsoft path of the validated value inside its own tree ("" when it is the root).</param>
    public static IReadOnlyList<FieldError> Translate(ICollection<ValidationError> errors, string basePointer, string tokenPath)
    {
        var result = new List<FieldError>();
        foreach (var error in errors)
        {
            Collect(error, basePointer, tokenPath, result);
        }

        return result;
    }

    private static void Collect(ValidationError error, string basePointer, string tokenPath, List<FieldError> result)
    {
        // Errors of anyOf/oneOf branches and of multi-typed values nest their causes; report the leaves.
        if (error is ChildSchemaValidationError child && child.Errors.Count > 0)
        {
            foreach (var nested in child.Errors.Values.SelectMany(e => e))
            {
                Collect(nested, basePointer, tokenPath, result);
            }

            return;
        }

        var pointer = ToPointer(error.Path, basePointer, tokenPath);
        if (error.Kind is ValidationErrorKind.PropertyRequired or ValidationErrorKind.NoAdditionalPropertiesAllowed
            && error.Property is { } property && !pointer.EndsWith(Escape(property), StringComparison.Ordinal))
        {
            pointer = JsonPointer.Append(pointer, property);
        }

        result.Add(new FieldError(pointer, Describe(error)));
    }

    internal static string ToPointer(string? path, string basePointer, string tokenPath = "")
    {
        var pointer = basePointer;
        if (string.IsNullOrEmpty(path))
        {
            return pointer;
        }

        var body = path.StartsWith("#/", StringComparison.Ordinal) ? path[2..] : path.TrimStart('#');
        if (tokenPath.Length > 0 && body.StartsWith(tokenPath, StringComparison.Ordinal)
            && (body.Length == tokenPath.Length || body[tokenPath.Length] is '.' or '['))
        {
            body = body[tokenPath.Length..];
        }

        foreach (var segment in body.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            var name = bracket < 0 ? segment : segment[..bracket];
            if (name.Length > 0)
            {
                pointer = JsonPointer.Append(pointer, name);
            }

            while (bracket >= 0)
            {
                var close = segment.IndexOf(']', bracket);
                if (close < 0)
                {
                    break;
                }

                pointer = JsonPointer.Append(pointer, segment[(bracket + 1)..close]);
                bracket = segment.IndexOf('[', close);
            }
        }

        return pointer;
    }

    private static string Escape(string token) =>
        token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string Describe(ValidationError error)
    {
        var schema = error.Schema;
        return error.Kind switch
        {
            ValidationErrorKind.PropertyRequired => "is required",
            ValidationErrorKind.NoAdditionalPropertiesAllowed => "is not a field of this license type",
            ValidationErrorKind.StringExpected => "must be a string",
            ValidationErrorKind.NumberExpected => "must be a number",
            ValidationErrorKind.IntegerExpected => "must be an integer",
            ValidationErrorKind.BooleanExpected => "must be true or false",
            ValidationErrorKind.ObjectExpected => "must be an object",
            ValidationErrorKind.ArrayExpected => "must be an array",
            ValidationErrorKind.NullExpected => "must be null",
            ValidationErrorKind.NotInEnumeration => "must be one of: " + string.Join(", ", schema?.Enumeration ?? []),
            ValidationErrorKind.PatternMismatch => $"does not have the required format (pattern {schema?.Pattern})",
            ValidationErrorKind.StringTooShort => $"must be at least {schema?.MinLength} characters",
            ValidationErrorKind.StringTooLong => $"must be at most {schema?.MaxLength} characters",
            ValidationErrorKind.DateExpected => "must be a date in the form YYYY-MM-DD",
            ValidationErrorKind.DateTimeExpected => "must be a date-time in RFC 3339 form",
            ValidationErrorKind.NumberTooSmall => $"must be at least {Format(schema?.Minimum)}",
            ValidationErrorKind.NumberTooBig => $"must be at most {Format(schema?.Maximum)}",
            ValidationErrorKind.TooFewItems => $"must have at least {schema?.MinItems} items",
            ValidationErrorKind.TooManyItems => $"must have at most {schema?.MaxItems} items",
            ValidationErrorKind.ItemsNotUnique => "must not contain duplicate items",
            _ => "is invalid (" + SplitWords(error.Kind.ToString()) + ")",
        };
    }

    private static string Format(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";

    private static string SplitWords(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
