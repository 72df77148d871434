namespace ElectronicLicense.Licenses.Sharing;

/// <summary>Masks a sensitive value for identification: the ends stay, the middle becomes '*', the length is kept.</summary>
/// <remarks>
/// At most a quarter of the characters show at each end (four at most), so an 18-character 公民身份号码 reads
/// <c>1101**********002X</c>, and values of three characters or fewer are masked entirely.
/// </remarks>
public static class FieldMask
{
    /// <summary>The masked form of <paramref name="value"/>, as long as the value.</summary>
    public static string Mask(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var keep = VisibleAtEachEnd(value.Length);
        return string.Create(value.Length, (value, keep), static (span, state) =>
        {
            var (text, shown) = state;
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = i < shown || i >= span.Length - shown ? text[i] : '*';
            }
        });
    }

    /// <summary>How many characters stay visible at each end of a value of <paramref name="length"/> characters.</summary>
    public static int VisibleAtEachEnd(int length) => Math.Min(4, length / 4);
}
