namespace ElectronicLicense.Licenses.Errors;

/// <summary>One failing field: where it is (RFC 6901 JSON pointer into the request body) and what a caller must change.</summary>
/// <param name="Pointer">JSON pointer of the field, e.g. <c>/照面/性别</c>; empty for the whole body.</param>
/// <param name="Message">What was expected, written for a department's developer; never contains the holder's data.</param>
public sealed record FieldError(string Pointer, string Message);
