using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using VisionFlow.Protocol.Framing;

namespace VisionFlow.Protocol.Tests;

public sealed class LineFramerTests
{
    /// <summary>Pushes <paramref name="chunks"/> through a real Pipe, one flush each, and frames what the reader sees.</summary>
    private static async Task<(List<string> Lines, LineStatus Last, LineFramer Framer)> FrameAsync(IEnumerable<byte[]> chunks, int maxLineLength = 1024)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var framer = new LineFramer(maxLineLength);
        var lines = new List<string>();
        var last = LineStatus.NeedMoreData;

        async Task<bool> DrainAsync(bool expectCompleted)
        {
            var result = await pipe.Reader.ReadAsync();
            var buffer = result.Buffer;
            while ((last = framer.TryReadLine(ref buffer, result.IsCompleted, out var line)) == LineStatus.Line)
            {
                lines.Add(Encoding.UTF8.GetString(line.ToArray()));
            }

            if (last == LineStatus.LineTooLong)
            {
                return false;
            }

            pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
            return !expectCompleted || !result.IsCompleted;
        }

        foreach (var chunk in chunks)
        {
            await pipe.Writer.WriteAsync(chunk);
            if (!await DrainAsync(expectCompleted: false))
            {
                return (lines, last, framer);
            }
        }

        await pipe.Writer.CompleteAsync();
        await DrainAsync(expectCompleted: true);
        return (lines, last, framer);
    }

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static IEnumerable<byte[]> ByteAtATime(string s) => B(s).Select(b => new[] { b });

    [Test]
    public async Task Many_messages_in_one_read_are_all_returned_in_order()
    {
        var (lines, _, _) = await FrameAsync([B("{\"a\":1}\n{\"a\":2}\n[1,2]\n{\"a\":3}\n")]);
        await Assert.That(lines).IsEquivalentTo(new[] { "{\"a\":1}", "{\"a\":2}", "[1,2]", "{\"a\":3}" });
    }

    [Test]
    public async Task Byte_at_a_time_reads_reassemble_lines()
    {
        var (lines, _, _) = await FrameAsync(ByteAtATime("{\"method\":\"x\"}\r\n{\"b\":\"\u00e9\"}\n"));
        await Assert.That(lines).IsEquivalentTo(new[] { "{\"method\":\"x\"}", "{\"b\":\"\u00e9\"}" });
    }

    [Test]
    public async Task A_line_split_across_many_reads_is_one_line()
    {
        var (lines, _, _) = await FrameAsync([B("{\"a\":"), B("12"), B("34}"), B("\n")]);
        await Assert.That(lines).IsEquivalentTo(new[] { "{\"a\":1234}" });
    }

    [Test]
    public async Task Crlf_and_surrounding_whitespace_are_trimmed()
    {
        var (lines, _, _) = await FrameAsync([B("  {\"a\":1}  \r\n\t[2]\r\n")]);
        await Assert.That(lines).IsEquivalentTo(new[] { "{\"a\":1}", "[2]" });
    }

    [Test]
    public async Task Blank_lines_are_ignored_and_counted_separately_from_banners()
    {
        var (lines, _, framer) = await FrameAsync([B("\n\r\n   \n{\"a\":1}\n\n")]);
        await Assert.That(lines).IsEquivalentTo(new[] { "{\"a\":1}" });
        await Assert.That(framer.BlankLinesSkipped).IsEqualTo(4);
        await Assert.That(framer.BannerLinesSkipped).IsEqualTo(0);
    }

    [Test]
    public async Task Banner_lines_are_skipped_and_counted()
    {
        var (lines, _, framer) = await FrameAsync([B("Claude Flow MCP server v2.0 starting\n  * listening on stdio\n{\"a\":1}\nnull\n\"str\"\n")]);
        await Assert.That(lines).IsEquivalentTo(new[] { "{\"a\":1}" });
        await Assert.That(framer.BannerLinesSkipped).IsEqualTo(4);
    }

    [Test]
    public async Task A_final_line_without_newline_is_returned_at_end_of_stream()
    {
        var (lines, _, _) = await FrameAsync([B("{\"a\":1}\n{\"a\":2}")]);
        await Assert.That(lines).IsEquivalentTo(new[] { "{\"a\":1}", "{\"a\":2}" });
    }

    [Test]
    public async Task A_complete_oversize_line_is_reported_after_the_good_lines_before_it()
    {
        var big = "{\"x\":\"" + new string('a', 200) + "\"}\n";
        var (lines, last, _) = await FrameAsync([B("{\"a\":1}\n" + big + "{\"a\":2}\n")], maxLineLength: 100);
        await Assert.That(lines).IsEquivalentTo(new[] { "{\"a\":1}" });
        await Assert.That(last).IsEqualTo(LineStatus.LineTooLong);
    }

    [Test]
    public async Task An_incomplete_oversize_line_is_reported_before_its_newline_arrives()
    {
        // 60 chunks of 10 bytes and never a newline: the framer must give up once it holds more than 100 bytes.
        var chunks = Enumerable.Range(0, 60).Select(_ => B("{\"aaaaaaa\""));
        var (lines, last, _) = await FrameAsync(chunks, maxLineLength: 100);
        await Assert.That(lines).IsEmpty();
        await Assert.That(last).IsEqualTo(LineStatus.LineTooLong);
    }

    [Test]
    public async Task A_line_of_exactly_the_maximum_is_accepted_even_with_crlf()
    {
        var exact = "{\"x\":\"" + new string('a', 100 - 8) + "\"}";
        await Assert.That(exact.Length).IsEqualTo(100);
        var (lines, last, _) = await FrameAsync(ByteAtATime(exact + "\r\n"), maxLineLength: 100);
        await Assert.That(lines).IsEquivalentTo(new[] { exact });
        await Assert.That(last).IsNotEqualTo(LineStatus.LineTooLong);
    }

    [Test]
    public async Task Multi_segment_lines_are_trimmed_correctly()
    {
        // Segments of a ReadOnlySequence built by hand: whitespace and '\r' straddle segment boundaries.
        var first = new Segment(B("  {\"a\""));
        var last = first.Append(B(":1}")).Append(B(" \r")).Append(B("\n"));
        var buffer = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        var framer = new LineFramer(1024);
        var status = framer.TryReadLine(ref buffer, isCompleted: false, out var line);
        await Assert.That(status).IsEqualTo(LineStatus.Line);
        await Assert.That(Encoding.UTF8.GetString(line.ToArray())).IsEqualTo("{\"a\":1}");
        await Assert.That(buffer.Length).IsEqualTo(0);
    }

    [Test]
    public async Task PipeLineReader_delivers_lines_until_the_writer_completes()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var lines = new List<string>();
        var reading = PipeLineReader.ReadLinesAsync(pipe.Reader, new LineFramer(64), (in ReadOnlySequence<byte> l) => lines.Add(Encoding.UTF8.GetString(l.ToArray()))).AsTask();
        foreach (var b in B("banner\n{\"a\":1}\r\n[2]\n{\"tail\":3}"))
        {
            await pipe.Writer.WriteAsync(new[] { b });
        }

        await pipe.Writer.CompleteAsync();
        var status = await reading.WaitAsync(Loopback.Patience);
        await Assert.That(status).IsEqualTo(LineStatus.NeedMoreData);
        await Assert.That(lines).IsEquivalentTo(new[] { "{\"a\":1}", "[2]", "{\"tail\":3}" });
    }

    [Test]
    public async Task PipeLineReader_stops_at_an_oversize_line()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var count = 0;
        var reading = PipeLineReader.ReadLinesAsync(pipe.Reader, new LineFramer(16), (in ReadOnlySequence<byte> _) => count++).AsTask();
        await pipe.Writer.WriteAsync(B("{\"a\":1}\n{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        var status = await reading.WaitAsync(Loopback.Patience);
        await Assert.That(status).IsEqualTo(LineStatus.LineTooLong);
        await Assert.That(count).IsEqualTo(1);
    }

    [Test]
    public async Task LineWriter_rejects_embedded_newlines_and_terminates_lines()
    {
        var output = new ArrayBufferWriter<byte>();
        LineWriter.WriteLine(output, B("{\"a\":1}"));
        await Assert.That(Encoding.UTF8.GetString(output.WrittenSpan)).IsEqualTo("{\"a\":1}\n");
        await Assert.That(() => LineWriter.WriteLine(output, B("{\n}"))).Throws<ArgumentException>();
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes) => Memory = bytes;

        public Segment Append(byte[] bytes)
        {
            var next = new Segment(bytes) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
