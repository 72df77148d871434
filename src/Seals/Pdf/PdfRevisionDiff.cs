namespace ElectronicLicense.Seals.Pdf;

/// <summary>How a change made after a signature is judged (ISO 32000-1 §12.8.2.2 Table 254, the DocMDP permissions).</summary>
internal enum PdfChangeKind
{
    /// <summary>A later signature: its dictionary, field, widget, appearance, the lists that name it, DSS data.</summary>
    Signing,

    /// <summary>A new object nothing visible depends on unless another change uses it (images, fonts, streams).</summary>
    Auxiliary,

    /// <summary>A form field's value or appearance: allowed by DocMDP P ≥ 2.</summary>
    FormFill,

    /// <summary>An annotation other than a signature widget: allowed only by DocMDP P = 3.</summary>
    Annotation,

    /// <summary>Document information or XMP metadata.</summary>
    Metadata,

    /// <summary>Anything else: page content, resources, pages, catalog entries, deleted objects.</summary>
    NotAllowed,
}

internal sealed record PdfChange(int Object, PdfChangeKind Kind, string Description);

/// <summary>Lists what a later revision changed relative to an earlier one, object by object, and classifies each change.</summary>
internal static class PdfRevisionDiff
{
    private static readonly HashSet<string> CatalogSigningKeys = ["AcroForm", "DSS", "Extensions"];
    private static readonly HashSet<string> FormSigningKeys = ["Fields", "SigFlags", "DR", "DA"];
    private static readonly HashSet<string> FieldValueKeys = ["V", "AS", "AP", "M"];

    public static List<PdfChange> Compare(PdfFile earlier, PdfFile later)
    {
        var changes = new List<PdfChange>();
        if (earlier.Root.Number != later.Root.Number)
        {
            changes.Add(new PdfChange(later.Root.Number, PdfChangeKind.NotAllowed, "the document catalog was replaced"));
        }

        var pageNumbers = later.Pages().Select((p, i) => (p.Number, i)).ToDictionary(p => p.Number, p => p.i + 1);
        var formNumber = (later.Catalog["AcroForm"] as PdfReference)?.Number;
        var infoNumber = (later.Trailer["Info"] as PdfReference)?.Number;
        foreach (var (number, entry) in later.Xref.OrderBy(e => e.Key))
        {
            earlier.Xref.TryGetValue(number, out var old);
            if (Unchanged(earlier, later, old, entry))
            {
                continue;
            }

            var oldValue = old.Type == 0 ? null : earlier.GetObject(number);
            if (!later.TryGetObject(number, out var newValue, out var error))
            {
                changes.Add(new PdfChange(number, PdfChangeKind.NotAllowed, $"object {number} was rewritten and cannot be read ({error})"));
                continue;
            }

            if (newValue is null)
            {
                if (oldValue is not null)
                {
                    changes.Add(new PdfChange(number, PdfChangeKind.NotAllowed, $"object {number} was deleted"));
                }

                continue;
            }

            if (oldValue is not null && oldValue.ToBytes().AsSpan().SequenceEqual(newValue.ToBytes()))
            {
                continue;
            }

            var change = oldValue is null
                ? Added(later, number, newValue)
                : Changed(later, number, oldValue, newValue, number == later.Root.Number, number == formNumber, number == infoNumber, pageNumbers);
            if (change is not null)
            {
                changes.Add(change);
            }
        }

        return changes;
    }

    private static bool Unchanged(PdfFile earlier, PdfFile later, XrefEntry old, XrefEntry entry)
    {
        if (old != entry || entry.Type == 0)
        {
            return old == entry;
        }

        // An object inside an object stream is unchanged if the object stream is.
        return entry.Type == 1 || (earlier.Xref.TryGetValue((int)entry.Field2, out var a) && later.Xref.TryGetValue((int)entry.Field2, out var b) && a == b);
    }

    private static PdfDictionary? AsDictionary(PdfObject value) => value switch
    {
        PdfDictionary d => d,
        PdfStream s => s.Dictionary,
        _ => null,
    };

    private static PdfChange? Added(PdfFile file, int number, PdfObject value)
    {
        var dictionary = AsDictionary(value);
        var type = dictionary?.NameOf("Type");
        if (type is "XRef" or "ObjStm")
        {
            return null;
        }

        if (dictionary is null)
        {
            return new PdfChange(number, PdfChangeKind.Auxiliary, $"object {number} added");
        }

        if (IsSignatureDictionary(dictionary))
        {
            return new PdfChange(number, PdfChangeKind.Signing, $"signature dictionary {number} added");
        }

        if (IsSignatureField(file, dictionary))
        {
            return new PdfChange(number, PdfChangeKind.Signing, $"signature field {Name(file, dictionary)} added");
        }

        if (type is "Page" or "Pages")
        {
            return new PdfChange(number, PdfChangeKind.NotAllowed, $"a page object ({number}) was added");
        }

        if (type == "Annot" || dictionary.NameOf("Subtype") is "Widget" or "Link" or "Text" or "FreeText" or "Stamp" or "Ink" or "Square" or "Circle" or "Highlight")
        {
            return new PdfChange(number, PdfChangeKind.Annotation, $"a {dictionary.NameOf("Subtype") ?? "?"} annotation ({number}) was added");
        }

        if (dictionary["FT"] is not null)
        {
            return new PdfChange(number, PdfChangeKind.NotAllowed, $"a form field {Name(file, dictionary)} was added");
        }

        return new PdfChange(number, PdfChangeKind.Auxiliary, $"{type ?? dictionary.NameOf("Subtype") ?? "object"} {number} added");
    }

    private static PdfChange Changed(
        PdfFile file,
        int number,
        PdfObject oldValue,
        PdfObject newValue,
        bool isCatalog,
        bool isForm,
        bool isInfo,
        Dictionary<int, int> pageNumbers)
    {
        var oldDictionary = AsDictionary(oldValue);
        var newDictionary = AsDictionary(newValue);
        if (isInfo)
        {
            return new PdfChange(number, PdfChangeKind.Metadata, "the document information dictionary was changed");
        }

        if (oldValue is PdfArray oldArray && newValue is PdfArray newArray)
        {
            return ListGrew(file, number, oldArray, newArray, $"array {number}");
        }

        if (oldDictionary is null || newDictionary is null || oldValue.GetType() != newValue.GetType())
        {
            return new PdfChange(number, PdfChangeKind.NotAllowed, $"object {number} was replaced by a different kind of object");
        }

        var keys = ChangedKeys(oldDictionary, newDictionary);
        var streamChanged = oldValue is PdfStream a && newValue is PdfStream b && !a.Data.Span.SequenceEqual(b.Data.Span);
        if (isCatalog)
        {
            var bad = keys.Where(k => !CatalogSigningKeys.Contains(k) && k != "Metadata").ToList();
            return bad.Count > 0
                ? new PdfChange(number, PdfChangeKind.NotAllowed, $"the document catalog's {string.Join(", ", bad.Select(k => "/" + k))} changed")
                : new PdfChange(number, keys.Contains("Metadata") ? PdfChangeKind.Metadata : PdfChangeKind.Signing, "the document catalog was updated for a signature");
        }

        if (oldDictionary.NameOf("Type") == "Page" || pageNumbers.ContainsKey(number))
        {
            var page = pageNumbers.TryGetValue(number, out var p) ? $"page {p}" : $"page object {number}";
            var bad = keys.Where(k => k != "Annots").ToList();
            if (bad.Count > 0)
            {
                return new PdfChange(number, PdfChangeKind.NotAllowed, $"{page}: {string.Join(", ", bad.Select(k => "/" + k))} changed (page content or resources)");
            }

            var oldAnnots = file.Resolve(oldDictionary["Annots"]) as PdfArray ?? new PdfArray();
            var newAnnots = file.Resolve(newDictionary["Annots"]) as PdfArray ?? new PdfArray();
            return ListGrew(file, number, oldAnnots, newAnnots, $"{page}'s annotations");
        }

        if (isForm)
        {
            var bad = keys.Where(k => !FormSigningKeys.Contains(k)).ToList();
            if (bad.Count > 0)
            {
                return new PdfChange(number, PdfChangeKind.NotAllowed, $"the AcroForm's {string.Join(", ", bad.Select(k => "/" + k))} changed");
            }

            return keys.Contains("Fields")
                ? ListGrew(file, number, file.Resolve(oldDictionary["Fields"]) as PdfArray ?? new PdfArray(), file.Resolve(newDictionary["Fields"]) as PdfArray ?? new PdfArray(), "the form's field list")
                : new PdfChange(number, PdfChangeKind.Signing, "the AcroForm's signature flags or resources changed");
        }

        if (IsSignatureField(file, oldDictionary))
        {
            // Signing an empty signature field fills in /V (and its appearance); replacing a signature is not signing.
            var signedNow = oldDictionary["V"] is null && newDictionary["V"] is not null;
            return signedNow && keys.All(k => FieldValueKeys.Contains(k) || k == "F")
                ? new PdfChange(number, PdfChangeKind.Signing, $"empty signature field {Name(file, newDictionary)} was signed")
                : new PdfChange(number, PdfChangeKind.NotAllowed, $"signature field {Name(file, newDictionary)} was altered ({string.Join(", ", keys.Select(k => "/" + k))})");
        }

        if (IsField(file, oldDictionary) && keys.All(FieldValueKeys.Contains) && !streamChanged)
        {
            return new PdfChange(number, PdfChangeKind.FormFill, $"form field {Name(file, newDictionary)} was filled in");
        }

        if (oldDictionary.NameOf("Type") == "Metadata")
        {
            return new PdfChange(number, PdfChangeKind.Metadata, "the XMP metadata was changed");
        }

        var what = oldDictionary.NameOf("Type") ?? oldDictionary.NameOf("Subtype") ?? (oldValue is PdfStream ? "stream" : "dictionary");
        return new PdfChange(number, PdfChangeKind.NotAllowed, $"{what} object {number} was changed{(streamChanged ? " (its data)" : keys.Count > 0 ? $" ({string.Join(", ", keys.Take(5).Select(k => "/" + k))})" : string.Empty)}");
    }

    /// <summary>A list (of annotations or fields) that kept every earlier item and only gained new ones.</summary>
    private static PdfChange ListGrew(PdfFile file, int number, PdfArray oldArray, PdfArray newArray, string what)
    {
        var remaining = newArray.Items.Select(i => Convert.ToHexString(i.ToBytes())).ToList();
        foreach (var item in oldArray.Items)
        {
            if (!remaining.Remove(Convert.ToHexString(item.ToBytes())))
            {
                return new PdfChange(number, PdfChangeKind.NotAllowed, $"{what}: an entry was removed or replaced");
            }
        }

        var added = newArray.Items.Where(i => remaining.Contains(Convert.ToHexString(i.ToBytes()))).Select(file.ResolveDictionary).ToList();
        if (added.All(d => d is not null && IsSignatureField(file, d)))
        {
            return new PdfChange(number, PdfChangeKind.Signing, $"{what}: {added.Count} signature field(s) added");
        }

        return added.All(d => d?.NameOf("Type") == "Annot" || d?["Subtype"] is not null)
            ? new PdfChange(number, PdfChangeKind.Annotation, $"{what}: annotations added")
            : new PdfChange(number, PdfChangeKind.NotAllowed, $"{what}: entries other than signature fields added");
    }

    private static List<string> ChangedKeys(PdfDictionary a, PdfDictionary b)
    {
        var keys = a.Entries.Select(e => e.Key).Union(b.Entries.Select(e => e.Key)).Where(k => k != "Length");
        return keys.Where(k => !(a[k]?.ToBytes() ?? []).AsSpan().SequenceEqual(b[k]?.ToBytes() ?? [])).ToList();
    }

    public static bool IsSignatureDictionary(PdfDictionary dictionary) =>
        dictionary.NameOf("Type") is "Sig" or "DocTimeStamp" || (dictionary["ByteRange"] is not null && dictionary["Contents"] is not null && dictionary["Filter"] is not null);

    private static bool IsSignatureField(PdfFile file, PdfDictionary dictionary) =>
        dictionary.NameOf("FT") == "Sig" || file.ResolveDictionary(dictionary["Parent"])?.NameOf("FT") == "Sig";

    private static bool IsField(PdfFile file, PdfDictionary dictionary) =>
        dictionary["FT"] is not null || file.ResolveDictionary(dictionary["Parent"])?["FT"] is not null;

    private static string Name(PdfFile file, PdfDictionary dictionary) =>
        (file.Resolve(dictionary["T"]) as PdfString)?.ToText() ?? (file.Resolve(file.ResolveDictionary(dictionary["Parent"])?["T"]) as PdfString)?.ToText() ?? "(unnamed)";
}

/// <summary>Reads the DocMDP certification of a document (ISO 32000-1 §12.8.2.2).</summary>
internal static class PdfDocMdp
{
    /// <summary>The P value (1–3) and the certifying signature's dictionary reference, when the catalog's /Perms names one.</summary>
    public static (int? P, PdfReference? Signature) Permission(PdfFile file)
    {
        if (file.ResolveDictionary(file.Catalog["Perms"]) is not { } perms || perms["DocMDP"] is not PdfReference reference
            || file.ResolveDictionary(reference) is not { } signature)
        {
            return (null, null);
        }

        return (PermissionOf(file, signature), reference);
    }

    /// <summary>The P of a signature dictionary's DocMDP reference; null when it has none. Table 254: P defaults to 2.</summary>
    public static int? PermissionOf(PdfFile file, PdfDictionary signature)
    {
        if (file.Resolve(signature["Reference"]) is not PdfArray references)
        {
            return null;
        }

        foreach (var item in references.Items)
        {
            if (file.ResolveDictionary(item) is { } sigRef && sigRef.NameOf("TransformMethod") == "DocMDP")
            {
                var parameters = file.ResolveDictionary(sigRef["TransformParams"]);
                return parameters?["P"] is PdfNumber { IsInteger: true, Integer: >= 1 and <= 3 } p ? (int)p.Integer : 2;
            }
        }

        return null;
    }
}
