#pragma once
// The embedded recognizer's test set: an IVR rules agent (12 intents, a digit slot, menu digits) and
// 112 caller utterances with the intent each should select; "fallback" marks the 20 that the agent
// does not cover (they must get the fallback reply, not an intent).
#include <string_view>

namespace parley::bench {

inline constexpr std::string_view kIvrAgent = R"json({
  "name": "Acme IVR", "engine": "rules",
  "rules": {"fallback": "Sorry, I did not get that.", "intents": [
    {"name": "order_status", "reply": "Your order is on its way.", "dtmf": "1", "phrases": ["where is my order", "track my order", "i need help with my order",
                                                     "where is my package", "has my order shipped"]},
    {"name": "order_number", "reply": "Thanks, order {{order_number}} ships today.", "phrases": ["my order number is {order_number}", "order number {order_number}"],
     "slots": {"order_number": "digits"}},
    {"name": "billing", "reply": "Your balance is zero dollars.", "dtmf": "2", "phrases": ["i have a billing question", "check my account balance",
                                                "what is my balance", "i want to pay my bill"]},
    {"name": "cancel", "reply": "I can help you cancel.", "dtmf": "3", "phrases": ["cancel my subscription", "i want to cancel my account", "cancel my order"]},
    {"name": "agent", "reply": "Connecting you now.", "dtmf": "0", "phrases": ["speak to an agent", "transfer me to a human", "talk to a person",
                                              "representative"]},
    {"name": "hours", "reply": "We are open nine to five.", "phrases": ["what are your opening hours", "when are you open", "what time do you close"]},
    {"name": "address", "reply": "Please say your new address.", "phrases": ["change my address", "update my shipping address", "i moved"]},
    {"name": "password", "reply": "I sent you a reset link.", "phrases": ["reset my password", "i forgot my password", "i can not log in"]},
    {"name": "yes", "reply": "Great.", "phrases": ["yes", "yes please", "that is right", "correct"]},
    {"name": "no", "reply": "Okay.", "phrases": ["no", "no thanks", "that is wrong"]},
    {"name": "repeat", "reply": "Sure.", "phrases": ["repeat that", "say that again", "can you repeat"]},
    {"name": "goodbye", "reply": "Goodbye!", "phrases": ["goodbye", "that is all", "bye"]}
  ]}})json";

struct Utterance {
  std::string_view text;
  std::string_view intent;
};

inline constexpr Utterance kUtterances[] = {
    // order_status (12)
    {"where is my order", "order_status"}, {"track my order", "order_status"}, {"i need help with my order", "order_status"},
    {"where is my package", "order_status"}, {"has my order shipped", "order_status"}, {"um where is my order", "order_status"},
    {"please track my order", "order_status"}, {"i need help with my order please", "order_status"},
    {"hi where is my package", "order_status"}, {"one", "order_status"}, {"press one", "order_status"},
    {"option one", "order_status"},
    // order_number (8)
    {"my order number is four five six seven", "order_number"}, {"my order number is one two three", "order_number"},
    {"order number nine eight seven six", "order_number"}, {"my order number is two oh one", "order_number"},
    {"order number five five five", "order_number"}, {"my order number is eight three zero", "order_number"},
    {"order number one", "order_number"}, {"my order number is six four two zero nine", "order_number"},
    // billing (10)
    {"i have a billing question", "billing"}, {"check my account balance", "billing"}, {"what is my balance", "billing"},
    {"i want to pay my bill", "billing"}, {"um i have a billing question", "billing"},
    {"please check my account balance", "billing"}, {"what is my balance please", "billing"}, {"two", "billing"},
    {"press two", "billing"}, {"yeah i want to pay my bill", "billing"},
    // cancel (8)
    {"cancel my subscription", "cancel"}, {"i want to cancel my account", "cancel"}, {"cancel my order", "cancel"},
    {"please cancel my subscription", "cancel"}, {"um cancel my order", "cancel"}, {"three", "cancel"},
    {"press three", "cancel"}, {"i want to cancel my account please", "cancel"},
    // agent (9)
    {"speak to an agent", "agent"}, {"transfer me to a human", "agent"}, {"talk to a person", "agent"},
    {"representative", "agent"}, {"please transfer me to a human", "agent"}, {"i want to talk to a person", "agent"},
    {"zero", "agent"}, {"press zero", "agent"}, {"speak to an agent please", "agent"},
    // hours (6)
    {"what are your opening hours", "hours"}, {"when are you open", "hours"}, {"what time do you close", "hours"},
    {"so when are you open", "hours"}, {"what are your opening hours please", "hours"},
    {"hello what time do you close", "hours"},
    // address (6)
    {"change my address", "address"}, {"update my shipping address", "address"}, {"i moved", "address"},
    {"please change my address", "address"}, {"i need to update my shipping address", "address"},
    {"um i moved", "address"},
    // password (6)
    {"reset my password", "password"}, {"i forgot my password", "password"}, {"i can not log in", "password"},
    {"please reset my password", "password"}, {"um i forgot my password", "password"},
    {"hi i can not log in", "password"},
    // yes (7)
    {"yes", "yes"}, {"yes please", "yes"}, {"that is right", "yes"}, {"correct", "yes"}, {"yeah that is right", "yes"},
    {"okay yes", "yes"}, {"correct thanks", "yes"},
    // no (5)
    {"no", "no"}, {"no thanks", "no"}, {"that is wrong", "no"}, {"um no", "no"}, {"no thank you", "no"},
    // repeat (6)
    {"repeat that", "repeat"}, {"say that again", "repeat"}, {"can you repeat", "repeat"},
    {"please repeat that", "repeat"}, {"sorry say that again", "repeat"}, {"can you repeat please", "repeat"},
    // goodbye (9)
    {"goodbye", "goodbye"}, {"that is all", "goodbye"}, {"bye", "goodbye"}, {"okay goodbye", "goodbye"},
    {"that is all thanks", "goodbye"}, {"thanks goodbye", "goodbye"}, {"bye bye", "goodbye"},
    {"well that is all", "goodbye"}, {"goodbye thank you", "goodbye"},
    // out of grammar (20): the fallback reply, never an intent
    {"what is the weather like today", "fallback"}, {"i would like to order a pizza", "fallback"},
    {"tell me a joke", "fallback"}, {"how old are you", "fallback"}, {"play some music", "fallback"},
    {"book a flight to paris", "fallback"}, {"who won the game last night", "fallback"},
    {"what is your name", "fallback"}, {"turn on the lights", "fallback"}, {"good morning", "fallback"},
    {"my dog ate my homework", "fallback"}, {"where is the nearest bank", "fallback"},
    {"the weather is nice today", "fallback"}, {"send me a text message", "fallback"},
    {"what is two plus two", "fallback"}, {"i like green apples", "fallback"}, {"open the garage door", "fallback"},
    {"how far is the moon", "fallback"}, {"set an alarm for seven", "fallback"}, {"find me a taxi", "fallback"},
};

// A development set for tuning the recognizer (thresholds, garbage words) so that the figures of
// kUtterances are measured on phrases nothing was tuned on: the same agent, other wordings.
inline constexpr Utterance kDevUtterances[] = {
    {"uh where is my order", "order_status"}, {"okay track my order please", "order_status"},
    {"number one", "order_status"}, {"has my order shipped yet", "order_status"},
    {"order number three three one", "order_number"}, {"my order number is seven seven two four", "order_number"},
    {"hello i have a billing question", "billing"}, {"option two", "billing"}, {"well what is my balance", "billing"},
    {"okay cancel my subscription", "cancel"}, {"number three", "cancel"}, {"sorry cancel my order", "cancel"},
    {"hello speak to an agent", "agent"}, {"representative please", "agent"}, {"um talk to a person", "agent"},
    {"okay when are you open", "hours"}, {"what time do you close please", "hours"},
    {"hi change my address", "address"}, {"update my shipping address please", "address"},
    {"i forgot my password", "password"}, {"sorry i can not log in", "password"},
    {"yes that is right", "yes"}, {"correct", "yes"}, {"okay no", "no"}, {"that is wrong", "no"},
    {"please say that again", "repeat"}, {"repeat that please", "repeat"}, {"okay bye", "goodbye"},
    {"that is all thank you", "goodbye"},
    {"can you recommend a good restaurant", "fallback"}, {"what day is it", "fallback"},
    {"i am looking for a new job", "fallback"}, {"how do i get to the airport", "fallback"},
    {"please call my mother", "fallback"}, {"the car will not start", "fallback"},
    {"is it going to rain", "fallback"}, {"what is the capital of france", "fallback"},
    {"i love this song", "fallback"}, {"how much is a ticket to london", "fallback"},
    {"where can i buy shoes", "fallback"}, {"remind me to buy milk", "fallback"},
    {"how tall is that tower", "fallback"}, {"do you like cats", "fallback"},
    {"tell me about the news", "fallback"}, {"my sister lives in boston", "fallback"},
    {"what is my horoscope", "fallback"}, {"i want to learn french", "fallback"},
    {"who is the president", "fallback"}, {"hello how are you doing", "fallback"},
};

}  // namespace parley::bench
