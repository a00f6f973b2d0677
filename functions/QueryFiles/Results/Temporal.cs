using System.Globalization;
using System.Text;

namespace Functions.QueryFiles.Results;

/// <summary>
/// ISO 8601 text for DuckDB's dates and times, over DuckDB's whole range (the proleptic
/// Gregorian calendar with astronomical years: year 0 is 1 BC; years beyond 9999 carry a sign).
/// Fractions of a second are written only when not zero, without trailing zeros.
/// </summary>
public static class Temporal
{
    private const long NanosPerDay = 86_400_000_000_000;

    // DuckDB's time zone offsets are stored as (this − offset seconds) in the low 24 bits.
    private const int MaxTimeZoneOffset = (16 * 60 * 60) - 1;

    /// <summary>A DATE (days since 1970-01-01); DuckDB's infinities as <c>infinity</c>/<c>-infinity</c>.</summary>
    public static string Date(int days) => days switch
    {
        int.MaxValue => "infinity",
        -int.MaxValue => "-infinity",
        _ => DateText(days),
    };

    /// <summary>A time of day from nanoseconds since midnight, with at most <paramref name="digits"/> fractional digits.</summary>
    public static string Time(long nanosOfDay, int digits)
    {
        var text = new StringBuilder(18);
        AppendTime(text, nanosOfDay, digits);
        return text.ToString();
    }

    /// <summary>A TIME WITH TIME ZONE from DuckDB's packed form (microseconds above 24 bits of offset).</summary>
    public static string TimeWithZone(ulong bits)
    {
        var micros = (long)(bits >> 24);
        var offset = MaxTimeZoneOffset - (int)(bits & 0xFFFFFF);
        var text = new StringBuilder(24);
        AppendTime(text, micros * 1000, 6);
        text.Append(offset < 0 ? '-' : '+');
        var magnitude = Math.Abs(offset);
        text.Append(CultureInfo.InvariantCulture, $"{magnitude / 3600:D2}:{magnitude / 60 % 60:D2}");
        if (magnitude % 60 != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $":{magnitude % 60:D2}");
        }

        return text.ToString();
    }

    /// <summary>
    /// A timestamp of <paramref name="value"/> units of <paramref name="nanosPerUnit"/> ns since
    /// 1970-01-01T00:00:00 (<c>Z</c> appended for TIMESTAMP WITH TIME ZONE, which is an instant in UTC).
    /// </summary>
    public static string Timestamp(long value, long nanosPerUnit, int digits, bool utc)
    {
        if (value == long.MaxValue)
        {
            return "infinity";
        }

        if (value == -long.MaxValue)
        {
            return "-infinity";
        }

        var nanos = (Int128)value * nanosPerUnit;
        var days = (long)Int128.DivRem(nanos, NanosPerDay).Quotient;
        var nanosOfDay = (long)(nanos - ((Int128)days * NanosPerDay));
        if (nanosOfDay < 0)
        {
            days--;
            nanosOfDay += NanosPerDay;
        }

        var text = new StringBuilder(DateText(days), 40).Append('T');
        AppendTime(text, nanosOfDay, digits);
        return utc ? text.Append('Z').ToString() : text.ToString();
    }

    private static void AppendTime(StringBuilder text, long nanosOfDay, int digits)
    {
        var seconds = nanosOfDay / 1_000_000_000;
        text.Append(CultureInfo.InvariantCulture, $"{seconds / 3600:D2}:{seconds / 60 % 60:D2}:{seconds % 60:D2}");
        var fraction = nanosOfDay % 1_000_000_000;
        if (digits > 0 && fraction != 0)
        {
            var fractionText = fraction.ToString("D9", CultureInfo.InvariantCulture)[..digits].TrimEnd('0');
            if (fractionText.Length > 0)
            {
                text.Append('.').Append(fractionText);
            }
        }
    }

    // Days since 1970-01-01 to a civil date (H. Hinnant's days_from_civil inverse, public domain).
    private static string DateText(long days)
    {
        var z = days + 719_468;
        var era = (z >= 0 ? z : z - 146_096) / 146_097;
        var dayOfEra = z - (era * 146_097);
        var yearOfEra = (dayOfEra - (dayOfEra / 1460) + (dayOfEra / 36_524) - (dayOfEra / 146_096)) / 365;
        var dayOfYear = dayOfEra - ((365 * yearOfEra) + (yearOfEra / 4) - (yearOfEra / 100));
        var monthIndex = ((5 * dayOfYear) + 2) / 153;
        var day = dayOfYear - (((153 * monthIndex) + 2) / 5) + 1;
        var month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
        var year = yearOfEra + (era * 400) + (month <= 2 ? 1 : 0);
        var yearText = year switch
        {
            < 0 => "-" + (-year).ToString("D4", CultureInfo.InvariantCulture),
            > 9999 => "+" + year.ToString(CultureInfo.InvariantCulture),
            _ => year.ToString("D4", CultureInfo.InvariantCulture),
        };
        return string.Create(CultureInfo.InvariantCulture, $"{yearText}-{month:D2}-{day:D2}");
    }
}
