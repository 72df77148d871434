using Spectre.Console;

namespace ElectronicLicense.Cli;

/// <summary>Writes line-oriented human output: coloured on a terminal, plain and never wrapped when redirected.</summary>
/// <remarks>
/// Spectre.Console wraps text at the console width, which would split certificate subjects and check messages in files
/// and pipes; redirected output goes straight to the writer instead, one record per line, so it can be grepped.
/// </remarks>
internal sealed class ReportWriter(CliContext context)
{
    /// <summary>Writes <paramref name="text"/> in <paramref name="style"/> (colour only on a terminal); never interpreted as markup.</summary>
    public ReportWriter Write(string text, Style? style = null)
    {
        if (context.IsTerminal)
        {
            context.Out.Write(new Text(text, style ?? Style.Plain));
        }
        else
        {
            context.Output.Write(text);
        }

        return this;
    }

    /// <summary>Ends the line.</summary>
    public ReportWriter Line(string text = "", Style? style = null)
    {
        if (text.Length > 0)
        {
            Write(text, style);
        }

        if (context.IsTerminal)
        {
            context.Out.WriteLine();
        }
        else
        {
            context.Output.WriteLine();
        }

        return this;
    }

    /// <summary>Writes "  label␣␣␣value" with the label padded to <paramref name="width"/>.</summary>
    public ReportWriter Field(string indent, string label, string value, int width, Style? valueStyle = null) =>
        Write(indent).Write(label.PadRight(width), new Style(decoration: Decoration.Dim)).Write(" ").Line(value, valueStyle);
}
