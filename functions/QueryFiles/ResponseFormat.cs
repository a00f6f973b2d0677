using System.Globalization;

namespace Functions.QueryFiles;

/// <summary>How the rows are sent: JSON (the default) or RFC 4180 CSV.</summary>
public enum ResponseFormat
{
    /// <summary><c>application/json</c>: columns, rows, rowCount, truncated, elapsedMs.</summary>
    Json,

    /// <summary><c>text/csv</c>: a header record and one record per row; the counts travel in headers.</summary>
    Csv,
}

/// <summary>Chooses the <see cref="ResponseFormat"/> from the <c>Accept</c> header.</summary>
public static class ResponseFormats
{
    /// <summary>
    /// CSV when <c>text/csv</c> is accepted with a higher quality than <c>application/json</c>
    /// (an exact type outranks <c>text/*</c> and <c>*/*</c>); JSON otherwise, including when the
    /// header is missing or names neither.
    /// </summary>
    public static ResponseFormat FromAccept(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return ResponseFormat.Json;
        }

        double csv = -1, json = -1;
        int csvSpecificity = -1, jsonSpecificity = -1;
        foreach (var range in accept.Split(','))
        {
            var parts = range.Split(';');
            var type = parts[0].Trim().ToLowerInvariant();
            var quality = 1.0;
            foreach (var parameter in parts.Skip(1))
            {
                var pair = parameter.Split('=', 2);
                if (pair.Length == 2 && pair[0].Trim().Equals("q", StringComparison.OrdinalIgnoreCase)
                    && !double.TryParse(pair[1].Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out quality))
                {
                    quality = 0;
                }
            }

            Consider(type, "text/csv", quality, ref csv, ref csvSpecificity);
            Consider(type, "application/json", quality, ref json, ref jsonSpecificity);
        }

        return csv > 0 && csv > json ? ResponseFormat.Csv : ResponseFormat.Json;
    }

    // RFC 9110 §12.5.1: the most specific range that matches a type gives its quality.
    private static void Consider(string range, string type, double quality, ref double best, ref int specificity)
    {
        var level = range == type ? 2 : range == type.Split('/')[0] + "/*" ? 1 : range == "*/*" ? 0 : -1;
        if (level > specificity)
        {
            specificity = level;
            best = quality;
        }
    }
}
