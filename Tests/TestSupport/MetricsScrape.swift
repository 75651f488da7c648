import Foundation
import NIOCore
import NIOPosix

/// One HTTP/1.1 request to 127.0.0.1 and its whole response, read until the server closes (the
/// metrics endpoint closes after every response). For the metrics tests: no HTTP client library
/// is a dependency, and a raw request also lets a test send what a library would not.
public struct HTTPProbe: Sendable {
    /// A response as received.
    public struct Response: Sendable {
        /// The status code of the status line, e.g. 200.
        public var status: Int
        /// Header fields in order, names as sent.
        public var headers: [(name: String, value: String)]
        public var body: String

        /// The first value of header `name` (case-insensitive).
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    /// The response could not be read or parsed.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Sends `METHOD PATH HTTP/1.1` to 127.0.0.1:`port` and returns the response; throws after
    /// `timeout` or when the reply is not HTTP.
    public static func request(_ method: String = "GET", _ path: String, port: Int, timeout: Duration = .seconds(30)) async throws -> Response {
        let received = Received()
        let request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUser-Agent: plansync-tests\r\nContent-Length: 0\r\n\r\n"
        // The request is written on the event loop as the connection becomes active, not from
        // this task: a test process whose cooperative threads are busy (the end-to-end tests wait
        // for child processes) must not leave the endpoint's idle timer to close it first.
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(received: received, request: ByteBuffer(string: request)))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        let deadline = ContinuousClock.now + timeout
        while !received.closed {
            guard ContinuousClock.now < deadline else {
                try? await channel.close()
                throw Failure(description: "no complete response to \(method) \(path) within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        return try parse(received.bytes)
    }

    /// Splits a raw response into status, headers and body (the body taken as all that follows).
    static func parse(_ bytes: [UInt8]) throws -> Response {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure(description: "not an HTTP response: \(text)") }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw Failure(description: "bad status line: \(lines.first ?? "")")
        }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Response(status: status, headers: headers, body: String(text[split.upperBound...]))
    }

    private final class Received: @unchecked Sendable {
        private let lock = NSLock()
        private var data: [UInt8] = []
        private var done = false
        var bytes: [UInt8] { lock.withLock { data } }
        var closed: Bool { lock.withLock { done } }
        func append(_ buffer: ByteBuffer) { lock.withLock { data += buffer.readableBytesView } }
        func close() { lock.withLock { done = true } }
    }

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let received: Received
        let request: ByteBuffer
        init(received: Received, request: ByteBuffer) {
            self.received = received
            self.request = request
        }
        func channelActive(context: ChannelHandlerContext) {
            context.writeAndFlush(NIOAny(request), promise: nil)
            context.fireChannelActive()
        }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { received.append(unwrapInboundIn(data)) }
        func channelInactive(context: ChannelHandlerContext) { received.close() }
        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }
}

/// Prometheus text exposition, looked up by series: `metrics["plansync_ops_accepted_total"]`,
/// `metrics["plansync_refusals_total{code=\"seq_gap\"}"]`.
public struct PrometheusText: Sendable {
    /// Series (name and labels as written) → value.
    public let samples: [String: Double]

    /// Parses the sample lines; comments and blank lines are skipped. Throws on a line that is
    /// neither, or a value that is not a number.
    public init(_ text: String) throws {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.isEmpty {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                throw HTTPProbe.Failure(description: "not a sample line: \(line)")
            }
            samples[String(line[..<space])] = value
        }
        self.samples = samples
    }

    public subscript(series: String) -> Double? { samples[series] }

    /// Scrapes until `condition` holds or `timeout` passes, and returns the last scrape: for
    /// values that settle after the client moved on (a close the server has yet to notice).
    public static func scrape(port: Int, timeout: Duration = .seconds(20), until condition: (PrometheusText) -> Bool) async throws -> PrometheusText {
        let deadline = ContinuousClock.now + timeout
        while true {
            let metrics = try await scrape(port: port)
            if condition(metrics) || ContinuousClock.now >= deadline { return metrics }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Scrapes `GET /metrics` on `port`, throwing unless it answers 200.
    public static func scrape(port: Int) async throws -> PrometheusText {
        let response = try await HTTPProbe.request("GET", "/metrics", port: port)
        guard response.status == 200 else { throw HTTPProbe.Failure(description: "GET /metrics answered \(response.status): \(response.body)") }
        return try PrometheusText(response.body)
    }
}
