using ElectronicLicense.Licenses.Lifecycle;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ElectronicLicense.Licenses.Persistence.Configurations;

/// <summary>Stores document formats and origins under their lower-case names (<c>ofd</c>, <c>issued</c>), the text the columns have always held.</summary>
internal static class DocumentConverters
{
    public static ValueConverter<DocumentFormat, string> Format { get; } = new(v => v.Name(), v => DocumentNames.ParseFormat(v));

    public static ValueConverter<DocumentOrigin, string> Origin { get; } = new(v => v.Name(), v => DocumentNames.ParseOrigin(v));
}
