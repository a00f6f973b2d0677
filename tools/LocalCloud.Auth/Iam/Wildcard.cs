namespace Functions.LocalCloud.Auth.Iam;

/// <summary>IAM's <c>*</c> (any run of characters, also none) and <c>?</c> (one character) patterns.</summary>
internal static class Wildcard
{
    /// <summary>Whether <paramref name="pattern"/> matches the whole of <paramref name="text"/>.</summary>
    public static bool Matches(string pattern, string text, bool ignoreCase)
    {
        // Greedy match with one backtrack point: the last '*' seen and where the text stood then.
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || Same(pattern[p], text[t], ignoreCase)))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>
    /// IAM's resource matching: case-sensitive, part by part (<c>arn:partition:service:region:account:resource</c>,
    /// the resource part keeping its own colons), where a pattern with fewer parts whose last part
    /// ends in <c>*</c> lets that part match the rest of the ARN, colons included (so <c>*</c>
    /// alone matches every ARN).
    /// </summary>
    public static bool MatchesArn(string pattern, string arn)
    {
        var patternParts = pattern.Split(':', 6);
        var arnParts = arn.Split(':', 6);
        if (patternParts.Length < arnParts.Length && patternParts[^1].EndsWith('*'))
        {
            var last = patternParts.Length - 1;
            for (var i = 0; i < last; i++)
            {
                if (!Matches(patternParts[i], arnParts[i], ignoreCase: false))
                {
                    return false;
                }
            }

            return Matches(patternParts[last], string.Join(':', arnParts[last..]), ignoreCase: false);
        }

        if (patternParts.Length != arnParts.Length)
        {
            return false;
        }

        for (var i = 0; i < patternParts.Length; i++)
        {
            if (!Matches(patternParts[i], arnParts[i], ignoreCase: false))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToLowerInvariant(a) == char.ToLowerInvariant(b));
}
