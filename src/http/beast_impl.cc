// The one translation unit that compiles Boost.Asio and Boost.Beast (the build defines
// BOOST_ASIO_SEPARATE_COMPILATION and BOOST_BEAST_SEPARATE_COMPILATION for ordo_http and its
// users). Every other file includes only the declarations, so a change to server.cc does not
// recompile the whole of Asio. Nothing else belongs here.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
