import JSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `.safetensors` file mapped into memory: an 8-byte header length, a JSON header naming
/// each tensor's dtype, shape and byte range, then the raw little-endian data. Tensors are
/// read in place from the mapping; nothing is converted or copied at load.
final class SafeTensors: @unchecked Sendable {
    struct Tensor {
        let shape: [Int]
        let pointer: UnsafePointer<Float>
        var count: Int { shape.reduce(1, *) }
    }

    private let base: UnsafeMutableRawPointer
    private let size: Int
    private var tensors: [String: Tensor] = [:]

    init(path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw EmbeddingError("Cannot open \(path)") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_size > 8 else { throw EmbeddingError("Cannot read \(path)") }
        size = Int(info.st_size)
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw EmbeddingError("Cannot map \(path)")
        }
        base = mapped
        let headerLength = Int(base.loadUnaligned(as: UInt64.self).littleEndian)
        guard headerLength > 0, 8 + headerLength <= size else {
            throw EmbeddingError("\(path) is not a safetensors file")
        }
        let header = UnsafeRawBufferPointer(start: base + 8, count: headerLength)
        guard case .object(let entries) = try JSONReader.parse(header.bindMemory(to: UInt8.self)) else {
            throw EmbeddingError("\(path) has an invalid header")
        }
        let dataStart = 8 + headerLength
        for (name, entry) in entries where name != "__metadata__" {
            guard case .object(let fields) = entry, fields["dtype"]?.stringValue == "F32",
                case .array(let shapeValues) = fields["shape"], case .array(let offsets) = fields["data_offsets"],
                offsets.count == 2, let start = offsets[0].intValue, let end = offsets[1].intValue
            else { continue }
            let shape = shapeValues.compactMap { $0.intValue.map(Int.init) }
            let byteStart = dataStart + Int(start)
            guard Int(end) >= Int(start), dataStart + Int(end) <= size, byteStart % 4 == 0,
                shape.reduce(1, *) * 4 == Int(end - start)
            else { throw EmbeddingError("\(path): tensor \(name) has an invalid range") }
            tensors[name] = Tensor(
                shape: shape, pointer: UnsafePointer((base + byteStart).assumingMemoryBound(to: Float.self)))
        }
    }

    deinit { munmap(base, size) }

    /// The float32 tensor `name` with the expected shape.
    func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        guard let tensor = tensors[name] else { throw EmbeddingError("model weights lack \(name)") }
        guard tensor.shape == shape else {
            throw EmbeddingError("model weight \(name) has shape \(tensor.shape), expected \(shape)")
        }
        return tensor
    }
}
