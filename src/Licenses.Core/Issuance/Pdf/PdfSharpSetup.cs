using PdfSharp.Fonts;

namespace ElectronicLicense.Licenses.Issuance.Pdf;

/// <summary>PDFsharp's process-wide settings, made once: the font resolver.</summary>
internal static class PdfSharpSetup
{
    private static readonly Lock Gate = new();
    private static bool initialized;

    /// <summary>Installs <see cref="LicenseFontResolver"/>.</summary>
    /// <remarks>
    /// PDFsharp (6.2, MIT) has no fonts on Linux without a resolver. A resolver
    /// can be set only once per process; if another component installed its own first, ours becomes the fallback resolver,
    /// which PDFsharp asks for families the first one does not know.
    /// </remarks>
    /// <exception cref="InvalidOperationException">Both resolver slots are taken by other resolvers.</exception>
    public static void EnsureInitialized()
    {
        lock (Gate)
        {
            if (initialized)
            {
                return;
            }

            var resolver = LicenseFontResolver.Instance;
            if (GlobalFontSettings.FontResolver is null)
            {
                GlobalFontSettings.FontResolver = resolver;
            }
            else if (!ReferenceEquals(GlobalFontSettings.FontResolver, resolver) && !ReferenceEquals(GlobalFontSettings.FallbackFontResolver, resolver))
            {
                if (GlobalFontSettings.FallbackFontResolver is not null)
                {
                    throw new InvalidOperationException(
                        $"PDFsharp already has a font resolver ({GlobalFontSettings.FontResolver.GetType().Name}) and a fallback resolver ({GlobalFontSettings.FallbackFontResolver.GetType().Name}); license PDFs need {nameof(LicenseFontResolver)} in one of them.");
                }

                GlobalFontSettings.FallbackFontResolver = resolver;
            }

            initialized = true;
        }
    }
}
