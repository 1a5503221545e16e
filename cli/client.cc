#include "cli/client.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "proto/status_names.h"

namespace kg::cli {

Client::Client(const Args& args)
    : server_(args.Get("server", "127.0.0.1:50051")),
      token_(args.Get("token")),
      ca_cert_(args.Get("ca_cert")) {
  if (token_.empty()) {
    if (const char* env = std::getenv("KG_TOKEN")) token_ = env;
  }
  ParseCount(args.Get("timeout_ms", "0"), &timeout_ms_);
}

int Client::Connect() {
  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
  if (!ca_cert_.empty()) {
    std::ifstream in(ca_cert_);
    if (!in) {
      std::cerr << "kg: cannot read --ca_cert " << ca_cert_ << "\n";
      return kExitError;
    }
    std::stringstream pem;
    pem << in.rdbuf();
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = pem.str();
    creds = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments channel_args;
  channel_args.SetMaxReceiveMessageSize(64 << 20);
  channel_args.SetMaxSendMessageSize(64 << 20);
  channel_ = grpc::CreateCustomChannel(server_, creds, channel_args);
  if (!channel_->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(3))) {
    std::cerr << "kg: cannot reach kgd at " << server_ << " (is it running? see --server)\n";
    return kExitUnreachable;
  }
  stub_ = v1::KnowledgeGraph::NewStub(channel_);
  return kExitOk;
}

std::unique_ptr<grpc::ClientContext> Client::NewContext(long long default_timeout_ms) const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token_.empty()) context->AddMetadata("authorization", "Bearer " + token_);
  long long timeout = timeout_ms_ > 0 ? timeout_ms_ : default_timeout_ms;
  if (timeout > 0) {
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout));
  }
  return context;
}

int Client::Fail(const grpc::Status& status) const {
  std::cerr << "kg: " << StatusCodeName(status.error_code()) << ": " << status.error_message() << "\n";
  v1::ErrorDetail detail;
  if (!status.error_details().empty() && detail.ParseFromString(status.error_details())) {
    if (detail.line() > 0 && detail.excerpt().empty()) {
      std::cerr << "  at line " << detail.line() << ", column " << detail.column() << "\n";
    }
    if (!detail.limit_name().empty()) {
      std::cerr << "  limit " << detail.limit_name() << " = " << detail.limit_value() << "\n";
    }
    if (!detail.input().empty()) std::cerr << "  in " << detail.input() << "\n";
  }
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) return kExitUnreachable;
  return kExitError;
}

}  // namespace kg::cli
