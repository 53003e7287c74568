package conversationtest

// LoosenWireShapes lets the tests' own validator read the four properties
// whose wire shape the fake takes from their descriptions (see wireShapes)
// as the fake does.
var LoosenWireShapes = loosenWireShapes
