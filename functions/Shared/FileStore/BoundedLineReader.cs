using System.Text;

namespace Functions.FileStore;

/// <summary>
/// Reads lines (ended by <c>\n</c>, <c>\r\n</c> or <c>\r</c>, like <see cref="TextReader.ReadLine"/>)
/// but never holds more than <c>maxChars</c> of one line: a longer line is refused as soon as
/// the limit is passed, before the rest of it is read, so one enormous line cannot exhaust memory.
/// </summary>
internal sealed class BoundedLineReader(TextReader reader, int maxChars)
{
    private readonly char[] _buffer = new char[16 * 1024];
    private readonly StringBuilder _line = new();
    private int _position;
    private int _length;
    private bool _skipLineFeed;

    /// <summary>1-based number of the last line returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The next line without its terminator, or null at the end.</summary>
    /// <exception cref="InvalidFileException">The line is longer than the limit.</exception>
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        _line.Clear();
        var any = false;
        while (true)
        {
            if (_position == _length)
            {
                _length = await reader.ReadAsync(_buffer, cancellationToken);
                _position = 0;
                if (_length == 0)
                {
                    return any ? Complete() : null;
                }
            }

            if (_skipLineFeed)
            {
                _skipLineFeed = false;
                if (_buffer[_position] == '\n')
                {
                    _position++;
                    continue;
                }
            }

            any = true;
            var span = _buffer.AsSpan(_position, _length - _position);
            var end = span.IndexOfAny('\r', '\n');
            var take = end < 0 ? span.Length : end;
            if (_line.Length + take > maxChars)
            {
                throw new InvalidFileException($"Line {LineNumber + 1} is longer than {maxChars} characters.");
            }

            _line.Append(span[..take]);
            _position += take;
            if (end >= 0)
            {
                _skipLineFeed = _buffer[_position] == '\r';
                _position++;
                return Complete();
            }
        }
    }

    private string Complete()
    {
        LineNumber++;
        return _line.ToString();
    }
}
