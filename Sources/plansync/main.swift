import Foundation
import SyncModel

switch TextInput.arguments() {
case .success(let arguments):
    exit(await Runner.run(arguments))
case .failure(let bad):
    Console.err(CLIError.user(bad.description).line)
    exit(CLIError.Status.user.rawValue)
}
