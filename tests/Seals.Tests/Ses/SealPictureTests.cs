using ElectronicLicense.Seals.Ses;
using ImageMagick;
using static ElectronicLicense.Seals.Tests.Ses.SesTestData;

namespace ElectronicLicense.Seals.Tests.Ses;

public class SealPictureTests
{
    [Fact]
    public void Rendered_seal_is_a_transparent_red_png_of_the_requested_size()
    {
        var png = SealPicture.RenderOfficialSeal("某某市市场监督管理局", "电子证照专用章", FontPath);

        // 42 mm at 300 dpi.
        Assert.True(SealPicture.TryReadPng(png, out var width, out var height));
        Assert.Equal(496, width);
        Assert.Equal(496, height);

        using var image = new MagickImage(png);
        Assert.True(image.HasAlpha);
        Assert.Equal(300, image.Density.ChangeUnits(DensityUnit.PixelsPerInch).X, 0.5);
        using var pixels = image.GetPixels();

        // Corners transparent; the ring (1.2 mm ≈ 14 px) red at the top and left edges; the star's centre red.
        Assert.Equal(0, pixels.GetPixel(0, 0).ToColor()!.A);
        Assert.Equal(0, pixels.GetPixel(495, 495).ToColor()!.A);
        AssertRed(pixels.GetPixel(248, 7).ToColor()!);
        AssertRed(pixels.GetPixel(7, 248).ToColor()!);
        AssertRed(pixels.GetPixel(248, 248).ToColor()!);

        // Between the ring and the text, and outside the ring, nothing is drawn.
        Assert.Equal(0, pixels.GetPixel(248, 22).ToColor()!.A);

        // Text was drawn: plenty of opaque pixels in the upper band (name) and the band below the star (kind).
        Assert.True(Opaque(pixels, 100, 30, 396, 110) > 2000);
        Assert.True(Opaque(pixels, 100, 340, 396, 400) > 1500);
    }

    [Fact]
    public void Rendering_is_deterministic()
    {
        var a = SealPicture.RenderOfficialSeal("某某区行政审批局", "电子证照专用章", FontPath, 40, 150);
        var b = SealPicture.RenderOfficialSeal("某某区行政审批局", "电子证照专用章", FontPath, 40, 150);

        Assert.Equal(a, b);
        Assert.True(SealPicture.TryReadPng(a, out var width, out _));
        Assert.Equal(236, width);
    }

    [Fact]
    public void Rendered_picture_makes_a_seal()
    {
        var png = SealPicture.RenderOfficialSeal("某某市市场监督管理局", "电子证照专用章", FontPath);

        var seal = MakeSeal(png: png);

        Assert.Equal(png, seal.PictureData.ToArray());
        Assert.True(seal.VerifyMakerSignature());
    }

    [Fact]
    public void Missing_font_is_an_argument_error()
    {
        var error = Assert.Throws<ArgumentException>(() => SealPicture.RenderOfficialSeal("某局", "专用章", "/nonexistent/font.ttf"));

        Assert.Equal("fontPath", error.ParamName);
    }

    [Fact]
    public void TryReadPng_accepts_the_ofdrw_stamp()
    {
        Assert.True(SealPicture.TryReadPng(Interop("StampImg.png"), out var width, out var height));
        Assert.Equal(400, width);
        Assert.Equal(400, height);
    }

    [Fact]
    public void TryReadPng_refuses_other_formats_and_damaged_headers_with_a_reason()
    {
        var png = Interop("StampImg.png");
        var damaged = (byte[])png.Clone();
        damaged[18] ^= 0x01; // inside IHDR width: the CRC no longer matches
        var truncated = png[..20];

        Assert.False(SealPicture.TryReadPng("GIF89a......................................"u8.ToArray(), out _, out _, out var gif));
        Assert.Contains("not a PNG", gif, StringComparison.Ordinal);
        Assert.False(SealPicture.TryReadPng(damaged, out _, out _, out var crc));
        Assert.Contains("CRC", crc, StringComparison.Ordinal);
        Assert.False(SealPicture.TryReadPng(truncated, out _, out _));
        Assert.False(SealPicture.TryReadPng([], out _, out _));
    }

    private static void AssertRed(IMagickColor<byte> colour)
    {
        Assert.True(colour.A > 200, $"alpha {colour.A}");
        Assert.True(colour.R > 200 && colour.G < 40 && colour.B < 40, $"colour {colour}");
    }

    private static int Opaque(IPixelCollection<byte> pixels, int x0, int y0, int x1, int y1)
    {
        var count = 0;
        for (var y = y0; y < y1; y++)
        {
            for (var x = x0; x < x1; x++)
            {
                if (pixels.GetPixel(x, y).ToColor()!.A > 128)
                {
                    count++;
                }
            }
        }

        return count;
    }
}
